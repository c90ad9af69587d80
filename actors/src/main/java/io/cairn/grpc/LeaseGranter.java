package io.cairn.grpc;

import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.LeaseGrantRequest;
import io.cairn.api.etcdserverpb.LeaseGrantResponse;
import io.cairn.member.EtcdError;
import io.cairn.member.MemberApi;
import io.cairn.member.lease.Lessor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Grants a lease through the log (etcdserver/v3_server.go LeaseGrant). The TTL is raised to the minimum
 * here, so the store records the TTL etcd's lessor.Grant would persist. A request without an id is proposed
 * with id 0: the member picks the id before the entry enters the log (etcd: reqIDGen.Next() & (1<<63 - 1)),
 * so ids increase like etcd's and every member applies the same grant; the applied response carries it.
 */
public final class LeaseGranter {
  private final MemberApi member;

  public LeaseGranter(MemberApi member) {
    this.member = member;
  }

  /** Grants lease {@code requestedId} (0: the member picks one) with {@code requestedTtlSeconds}. */
  public CompletionStage<LeaseGrantResponse> grant(long requestedId, long requestedTtlSeconds) {
    if (requestedTtlSeconds > Lessor.MAX_TTL_SECONDS) {
      // etcd lessor.Grant: ErrLeaseTTLTooLarge, checked before anything is granted.
      return CompletableFuture.failedFuture(EtcdError.LEASE_TTL_TOO_LARGE.exception());
    }
    long ttlSeconds = member.lessor().effectiveTtl(requestedTtlSeconds);
    InternalRaftRequest request =
        InternalRaftRequest.newBuilder()
            .setLeaseGrant(LeaseGrantRequest.newBuilder().setID(requestedId).setTTL(ttlSeconds))
            .build();
    // The applier answers with the applied id and TTL (etcd apply.go LeaseGrant answers l.ID and l.TTL()).
    return member.propose(request).thenApply(m -> (LeaseGrantResponse) m);
  }
}
