package io.cairn.member;

import com.google.protobuf.Message;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.member.lease.Lessor;
import io.cairn.member.watch.WatchHub;
import io.cairn.persistence.mvcc.MvccStore;
import java.util.concurrent.CompletionStage;

/**
 * What the gRPC adapters need from the member. Every mutation goes one way: {@link #propose} → Raft commit
 * → the single applier → the store, the watch hub and the lessor. Reads go to the store directly, after {@link #linearizableRead()} unless serializable.
 */
public interface MemberApi {

  ClusterInfo cluster();

  RaftStatus raftStatus();

  MvccStore store();

  WatchHub watchHub();

  Lessor lessor();

  ServerLimits limits();

  /** A response header for this member at the store's current revision. */
  ResponseHeader header();

  /** A response header for this member at the given revision. */
  ResponseHeader header(long revision);

  /**
   * Proposes a mutation; the stage completes once it is applied, with the response message the applier
   * built for it (PutResponse, TxnResponse, LeaseGrantResponse...; header filled), or fails with an
   * {@link EtcdException}. The request's ID and header are assigned here.
   */
  CompletionStage<Message> propose(InternalRaftRequest request);

  /**
   * etcd's MoveLeader on the leader: hands leadership to the voter targetId and completes once it leads (or
   * fails with TIMEOUT_LEADER_TRANSFER). The caller checked that this member leads and the target votes.
   */
  default CompletionStage<Void> moveLeader(long targetId) {
    return java.util.concurrent.CompletableFuture.failedFuture(EtcdError.NOT_CAPABLE.exception());
  }

  /** This member's Prometheus series (GET /metrics); null where there are none (test stubs). */
  default io.cairn.metrics.MemberMetrics metrics() {
    return null;
  }

  /** Runtime reconfiguration; null where the member cannot change its configuration (test stubs). */
  default Reconfiguration reconfiguration() {
    return null;
  }

  /** Completes when this member has applied everything committed before the call (ReadIndex). */
  CompletionStage<Void> linearizableRead();

  /**
   * etcd's ApplyWait: completes once this member has applied everything it knew committed at the call, with no
   * round to the leader. The leader waits so before it answers a lease request a follower forwarded (etcd's
   * leasehttp handler): the follower may have applied the LeaseGrant before the leader did.
   */
  CompletionStage<Void> applyWait();
}
