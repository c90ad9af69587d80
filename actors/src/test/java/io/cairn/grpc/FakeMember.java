package io.cairn.grpc;

import com.google.protobuf.Message;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.member.ClusterInfo;
import io.cairn.member.EtcdError;
import io.cairn.member.MemberApi;
import io.cairn.member.RaftStatus;
import io.cairn.member.ServerLimits;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/** A single-member MemberApi without a store: answers puts, records proposals. */
final class FakeMember extends MemberApiStub {
  static final long CLUSTER_ID = Long.parseUnsignedLong("14841639068965178418");
  static final long MEMBER_ID = Long.parseUnsignedLong("10276657743932975437");

  final LinkedBlockingQueue<InternalRaftRequest> proposals = new LinkedBlockingQueue<>();
  private final ServerLimits limits;

  FakeMember(ServerLimits limits) {
    super(CLUSTER_ID, MEMBER_ID, 2);
    this.limits = limits;
  }

  @Override
  public ClusterInfo cluster() {
    return new ClusterInfo(
        CLUSTER_ID,
        MEMBER_ID,
        "default",
        List.of(
            new ClusterInfo.Member(
                MEMBER_ID, "default", List.of("http://localhost:2380"), List.of("http://127.0.0.1:2379"), false)));
  }

  @Override
  public RaftStatus raftStatus() {
    return new RaftStatus(MEMBER_ID, 2, 4, 4, false);
  }

  @Override
  public ServerLimits limits() {
    return limits;
  }

  @Override
  public CompletionStage<Message> propose(InternalRaftRequest request) {
    proposals.add(request);
    if (request.hasPut()) {
      return CompletableFuture.completedFuture(PutResponse.newBuilder().setHeader(header(2)).build());
    }
    return CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception());
  }

  @Override
  public CompletionStage<Void> linearizableRead() {
    return CompletableFuture.completedFuture(null);
  }
}
