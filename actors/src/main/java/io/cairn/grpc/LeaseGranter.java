package io.cairn.grpc;

import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.LeaseGrantRequest;
import io.cairn.api.etcdserverpb.LeaseGrantResponse;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import io.cairn.member.MemberApi;
import io.cairn.member.lease.Lessor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Grants a lease through the log (etcdserver/v3_server.go LeaseGrant). The id is chosen here, before
 * proposing, so every member applies the same grant; the TTL is raised to the minimum here too, so the
 * store records the TTL etcd's lessor.Grant would persist.
 */
public final class LeaseGranter {
  /** Picked ids can collide with a grant racing ours; such a grant is retried with a new id this often. */
  static final int MAX_PICK_ATTEMPTS = 3;

  private final MemberApi member;
  private final LongSupplier random;

  public LeaseGranter(MemberApi member) {
    this(member, () -> ThreadLocalRandom.current().nextLong());
  }

  LeaseGranter(MemberApi member, LongSupplier random) {
    this.member = member;
    this.random = random;
  }

  /** Grants lease {@code requestedId} (0: a fresh id) with {@code requestedTtlSeconds}. */
  public CompletionStage<LeaseGrantResponse> grant(long requestedId, long requestedTtlSeconds) {
    if (requestedTtlSeconds > Lessor.MAX_TTL_SECONDS) {
      // etcd lessor.Grant: ErrLeaseTTLTooLarge, checked before anything is granted.
      return CompletableFuture.failedFuture(EtcdError.LEASE_TTL_TOO_LARGE.exception());
    }
    long ttlSeconds = member.lessor().effectiveTtl(requestedTtlSeconds);
    if (requestedId != 0) {
      return propose(requestedId, ttlSeconds);
    }
    return grantWithPickedId(ttlSeconds, MAX_PICK_ATTEMPTS);
  }

  private CompletionStage<LeaseGrantResponse> grantWithPickedId(long ttlSeconds, int attemptsLeft) {
    long id = pickId();
    return propose(id, ttlSeconds)
        .handle(
            (resp, failure) -> {
              if (failure == null) {
                return CompletableFuture.completedStage(resp);
              }
              if (attemptsLeft > 1 && isLeaseExists(failure)) {
                return grantWithPickedId(ttlSeconds, attemptsLeft - 1);
              }
              return CompletableFuture.<LeaseGrantResponse>failedStage(failure);
            })
        .thenCompose(stage -> stage);
  }

  /**
   * A positive 63-bit id no known lease has (etcd: reqIDGen.Next() & (1<<63 - 1), looped while 0). The
   * lessor's view can lag the log by a grant in flight; the applier's LEASE_EXIST catches that.
   */
  long pickId() {
    while (true) {
      long id = random.getAsLong() & Long.MAX_VALUE;
      if (id != 0 && !member.lessor().contains(id)) {
        return id;
      }
    }
  }

  private CompletionStage<LeaseGrantResponse> propose(long id, long ttlSeconds) {
    InternalRaftRequest request =
        InternalRaftRequest.newBuilder()
            .setLeaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(ttlSeconds))
            .build();
    // The applier fills the header only; the id and TTL are the ones proposed (etcd apply.go LeaseGrant
    // answers l.ID and l.TTL(), the raised TTL).
    return member
        .propose(request)
        .thenApply(m -> ((LeaseGrantResponse) m).toBuilder().setID(id).setTTL(ttlSeconds).build());
  }

  private static boolean isLeaseExists(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return cause instanceof EtcdException e && e.error() == EtcdError.LEASE_EXIST;
  }
}
