package io.cairn.member.lease;

import io.cairn.persistence.mvcc.LeaseRecord;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the {@link Lessor} needs from the member, as an interface so the lessor's timing logic is tested
 * without a store or a log.
 */
interface LessorBackend {

  /** The leases the store holds (their granted TTLs), read once at {@link Lessor#start()}. */
  Map<Long, LeaseRecord> leases();

  /** One lease as the store knows it (its keys for TimeToLive). */
  Optional<LeaseRecord> lease(long leaseId);

  /**
   * Whether this member may expire leases. etcd's lessor only revokes on the primary (the Raft leader):
   * lease/lessor.go isPrimary.
   */
  boolean isPrimary();

  /** Proposes a LeaseRevoke through the log; completes once applied (or fails). */
  CompletionStage<?> proposeRevoke(long leaseId);
}
