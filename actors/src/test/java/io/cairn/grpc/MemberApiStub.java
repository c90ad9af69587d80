package io.cairn.grpc;

import com.google.protobuf.Message;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.member.ClusterInfo;
import io.cairn.member.MemberApi;
import io.cairn.member.RaftStatus;
import io.cairn.member.ServerLimits;
import io.cairn.member.lease.Lessor;
import io.cairn.member.watch.WatchHub;
import io.cairn.persistence.mvcc.MvccStore;
import java.util.concurrent.CompletionStage;

/**
 * The base of the service tests' members: each test overrides only the parts of the member its service
 * uses; any other part fails loudly when called. Headers carry the given cluster/member id and term.
 */
abstract class MemberApiStub implements MemberApi {
  private final long clusterId;
  private final long memberId;
  private final long raftTerm;

  MemberApiStub(long clusterId, long memberId, long raftTerm) {
    this.clusterId = clusterId;
    this.memberId = memberId;
    this.raftTerm = raftTerm;
  }

  private static UnsupportedOperationException notInThisTest(String part) {
    return new UnsupportedOperationException("the service under test has no " + part + " here");
  }

  @Override
  public ClusterInfo cluster() {
    throw notInThisTest("cluster");
  }

  @Override
  public RaftStatus raftStatus() {
    throw notInThisTest("raft status");
  }

  @Override
  public MvccStore store() {
    throw notInThisTest("store");
  }

  @Override
  public WatchHub watchHub() {
    throw notInThisTest("watch hub");
  }

  @Override
  public Lessor lessor() {
    throw notInThisTest("lessor");
  }

  @Override
  public ServerLimits limits() {
    return ServerLimits.ETCD_DEFAULTS;
  }

  /** The revision header() reports. */
  long currentRevision() {
    return 1;
  }

  @Override
  public ResponseHeader header() {
    return header(currentRevision());
  }

  @Override
  public ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder()
        .setClusterId(clusterId)
        .setMemberId(memberId)
        .setRevision(revision)
        .setRaftTerm(raftTerm)
        .build();
  }

  @Override
  public CompletionStage<Message> propose(InternalRaftRequest request) {
    throw notInThisTest("proposals");
  }

  @Override
  public CompletionStage<Void> linearizableRead() {
    throw notInThisTest("linearizable reads");
  }

  /** A stub applies nothing asynchronously: whatever it knows committed is already applied. */
  @Override
  public CompletionStage<Void> applyWait() {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }
}
