package io.cairn.member.lease;

/**
 * Keeps leases' deadlines in memory (the records and their keys are in the store). Expired leases are
 * revoked through a proposal, never deleted behind the log's back, so every member applies the same
 * revocation (etcd's lessor: only the primary expires leases).
 */
public final class Lessor {

  /** The applier calls this once a LeaseGrant is applied. */
  public void granted(long leaseId, long ttlSeconds) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The applier calls this once a lease is revoked (by request or by expiry). */
  public void revoked(long leaseId) {
    throw new UnsupportedOperationException("TODO");
  }
}
