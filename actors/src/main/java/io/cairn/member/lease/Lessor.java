package io.cairn.member.lease;

/**
 * Keeps leases' deadlines in memory (the records and their keys are in the store). Expired leases are
 * revoked through a proposal, never deleted behind the log's back, so every member applies the same
 * revocation (etcd's lessor: only the primary expires leases).
 */
public final class Lessor {

  /**
   * Built by the member; {@code member} is used to propose revocations of expired leases.
   *
   * @param minTtlSeconds etcd's minimum lease TTL: ceil(1.5 × election timeout)
   */
  public Lessor(io.cairn.member.MemberApi member, akka.actor.typed.ActorSystem<?> system, long minTtlSeconds) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Called once the member has recovered its store and before it serves clients: every lease in the store
   * gets a fresh deadline of now + its TTL, as etcd's lessor Promote does after a restart.
   */
  public void start() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Stops the expiry timer. */
  public void stop() {
    throw new UnsupportedOperationException("TODO");
  }

  /** The applier calls this once a LeaseGrant is applied. */
  public void granted(long leaseId, long ttlSeconds) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The applier calls this once a lease is revoked (by request or by expiry). */
  public void revoked(long leaseId) {
    throw new UnsupportedOperationException("TODO");
  }
}
