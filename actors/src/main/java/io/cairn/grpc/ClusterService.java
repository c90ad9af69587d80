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
import io.cairn.member.Reconfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * etcd's Cluster service (v3rpc/member.go). MemberList answers from the member's view of the cluster; the
 * changes go through {@link Reconfiguration} (checked, proposed through the Raft log, answered once applied here).
 */
public final class ClusterService implements Cluster {
  private final MemberApi member;

  public ClusterService(MemberApi member) {
    this.member = member;
  }

  @Override
  public CompletionStage<MemberListResponse> memberList(MemberListRequest in) {
    return GrpcErrors.call(
        () -> CompletableFuture.completedFuture(
            MemberListResponse.newBuilder().setHeader(clusterHeader()).addAllMembers(members()).build()));
  }

  private List<Member> members() {
    List<Member> members = new ArrayList<>();
    for (ClusterInfo.Member m : member.cluster().members()) {
      members.add(toProto(m));
    }
    return members;
  }

  private static Member toProto(ClusterInfo.Member m) {
    return Member.newBuilder()
        .setID(m.id())
        .setName(m.name())
        .addAllPeerURLs(m.peerUrls())
        .addAllClientURLs(m.clientUrls())
        .setIsLearner(m.learner())
        .build();
  }

  /** etcd's clusterServer.header(): cluster, member and term, no revision. */
  private ResponseHeader clusterHeader() {
    return member.header().toBuilder().clearRevision().build();
  }

  @Override
  public CompletionStage<MemberAddResponse> memberAdd(MemberAddRequest in) {
    return GrpcErrors.call(
        () -> reconfiguration().add(in.getPeerURLsList(), in.getIsLearner())
            .thenApply(added -> MemberAddResponse.newBuilder()
                .setHeader(clusterHeader())
                .setMember(toProto(added))
                .addAllMembers(members())
                .build()));
  }

  @Override
  public CompletionStage<MemberRemoveResponse> memberRemove(MemberRemoveRequest in) {
    return GrpcErrors.call(
        () -> reconfiguration().remove(in.getID())
            .thenApply(v -> MemberRemoveResponse.newBuilder()
                .setHeader(clusterHeader()).addAllMembers(members()).build()));
  }

  @Override
  public CompletionStage<MemberUpdateResponse> memberUpdate(MemberUpdateRequest in) {
    return GrpcErrors.call(
        () -> reconfiguration().update(in.getID(), in.getPeerURLsList())
            .thenApply(v -> MemberUpdateResponse.newBuilder()
                .setHeader(clusterHeader()).addAllMembers(members()).build()));
  }

  /** etcd 3.4: an unknown ID is MEMBER_NOT_FOUND, a voting member MEMBER_NOT_LEARNER, a lagging learner LEARNER_NOT_READY. */
  @Override
  public CompletionStage<MemberPromoteResponse> memberPromote(MemberPromoteRequest in) {
    return GrpcErrors.call(
        () -> reconfiguration().promote(in.getID())
            .thenApply(v -> MemberPromoteResponse.newBuilder()
                .setHeader(clusterHeader()).addAllMembers(members()).build()));
  }

  private Reconfiguration reconfiguration() {
    return reconfiguration(member);
  }

  /** The member's reconfiguration, or etcd's error for a learner or a member that cannot change the cluster. */
  static Reconfiguration reconfiguration(MemberApi member) {
    if (member.raftStatus().learner()) {
      throw EtcdError.NOT_SUPPORTED_FOR_LEARNER.exception();
    }
    Reconfiguration r = member.reconfiguration();
    if (r == null) {
      throw EtcdError.NOT_CAPABLE.exception();
    }
    return r;
  }
}
