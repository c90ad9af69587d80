package io.cairn.grpc;

import io.cairn.api.etcdserverpb.Cluster;
import io.cairn.api.etcdserverpb.Member;
import io.cairn.api.etcdserverpb.MemberAddRequest;
import io.cairn.api.etcdserverpb.MemberAddResponse;
import io.cairn.api.etcdserverpb.MemberListRequest;
import io.cairn.api.etcdserverpb.MemberListResponse;
import io.cairn.api.etcdserverpb.MemberPromoteRequest;
import io.cairn.api.etcdserverpb.MemberPromoteResponse;
import io.cairn.api.etcdserverpb.MemberRemoveRequest;
import io.cairn.api.etcdserverpb.MemberRemoveResponse;
import io.cairn.api.etcdserverpb.MemberUpdateRequest;
import io.cairn.api.etcdserverpb.MemberUpdateResponse;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.member.ClusterInfo;
import io.cairn.member.EtcdError;
import io.cairn.member.MemberApi;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * etcd's Cluster service (v3rpc/member.go). MemberList answers from the member's view of the cluster; runtime
 * reconfiguration is not there yet, but requests about an unknown member get etcd's own error.
 */
public final class ClusterService implements Cluster {
  private final MemberApi member;

  public ClusterService(MemberApi member) {
    this.member = member;
  }

  @Override
  public CompletionStage<MemberListResponse> memberList(MemberListRequest in) {
    return GrpcErrors.call(
        () -> {
          MemberListResponse.Builder response = MemberListResponse.newBuilder().setHeader(clusterHeader());
          for (ClusterInfo.Member m : member.cluster().members()) {
            response.addMembers(
                Member.newBuilder()
                    .setID(m.id())
                    .setName(m.name())
                    .addAllPeerURLs(m.peerUrls())
                    .addAllClientURLs(m.clientUrls())
                    .setIsLearner(m.learner()));
          }
          return CompletableFuture.completedFuture(response.build());
        });
  }

  /** etcd's clusterServer.header(): cluster, member and term, no revision. */
  private ResponseHeader clusterHeader() {
    return member.header().toBuilder().clearRevision().build();
  }

  @Override
  public CompletionStage<MemberAddResponse> memberAdd(MemberAddRequest in) {
    return NotSupported.answer(NotSupported.RECONFIGURATION);
  }

  @Override
  public CompletionStage<MemberRemoveResponse> memberRemove(MemberRemoveRequest in) {
    return GrpcErrors.call(
        () -> {
          find(in.getID());
          return NotSupported.answer(NotSupported.RECONFIGURATION);
        });
  }

  @Override
  public CompletionStage<MemberUpdateResponse> memberUpdate(MemberUpdateRequest in) {
    return GrpcErrors.call(
        () -> {
          find(in.getID());
          return NotSupported.answer(NotSupported.RECONFIGURATION);
        });
  }

  /** etcd 3.4: an unknown ID is MEMBER_NOT_FOUND, a voting member MEMBER_NOT_LEARNER. */
  @Override
  public CompletionStage<MemberPromoteResponse> memberPromote(MemberPromoteRequest in) {
    return GrpcErrors.call(
        () -> {
          if (!find(in.getID()).learner()) {
            throw EtcdError.MEMBER_NOT_LEARNER.exception();
          }
          return NotSupported.answer(NotSupported.RECONFIGURATION);
        });
  }

  private ClusterInfo.Member find(long id) {
    Optional<ClusterInfo.Member> found =
        member.cluster().members().stream().filter(m -> m.id() == id).findFirst();
    return found.orElseThrow(EtcdError.MEMBER_NOT_FOUND::exception);
  }
}
