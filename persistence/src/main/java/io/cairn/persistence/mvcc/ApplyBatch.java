package io.cairn.persistence.mvcc;

import io.cairn.api.etcdserverpb.AlarmMember;
import io.cairn.api.etcdserverpb.CompactionResponse;
import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.DeleteRangeResponse;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.api.mvccpb.Event;
import java.util.List;

/**
 * One applied batch: any number of etcd requests applied in order, each mutating request taking the next
 * main revision (etcd: one revision per Put/DeleteRange/Txn that changes something, sub-revisions inside a
 * Txn). Nothing is visible to readers until {@link #commit}, which writes the whole batch and the applied
 * Raft index in one LevelDB write batch.
 *
 * <p>Responses come back with their header unset; the caller fills cluster/member id and raft term, and
 * the revision from {@link #revision()} after the call.
 */
public final class ApplyBatch implements AutoCloseable {

  public PutResponse.Builder put(PutRequest request) throws MvccException {
    throw new UnsupportedOperationException("TODO");
  }

  public DeleteRangeResponse.Builder deleteRange(DeleteRangeRequest request) throws MvccException {
    throw new UnsupportedOperationException("TODO");
  }

  /** Compares and success/failure ops (nested txns included) evaluated against the batch's own view. */
  public TxnResponse.Builder txn(TxnRequest request) throws MvccException {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Records the compaction (reads below it fail with COMPACTED from commit on); the physical removal of old
   * revisions runs in the background afterwards, in bounded steps.
   */
  public CompactionResponse.Builder compact(long revision) throws MvccException {
    throw new UnsupportedOperationException("TODO");
  }

  /** LEASE_EXISTS if the id is taken. */
  public void leaseGrant(long id, long ttlSeconds) throws MvccException {
    throw new UnsupportedOperationException("TODO");
  }

  /** Deletes the lease and all its keys in one revision. LEASE_NOT_FOUND if unknown. */
  public void leaseRevoke(long id) throws MvccException {
    throw new UnsupportedOperationException("TODO");
  }

  public void alarmActivate(AlarmMember alarm) {
    throw new UnsupportedOperationException("TODO");
  }

  public void alarmDeactivate(AlarmMember alarm) {
    throw new UnsupportedOperationException("TODO");
  }

  public void putMeta(String name, byte[] value) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The store's revision as this batch leaves it so far. */
  public long revision() {
    throw new UnsupportedOperationException("TODO");
  }

  /** The events this batch produced so far, in revision order. */
  public List<Event> events() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Writes everything atomically with {@code appliedIndex}; {@code sync}: fsync before returning. */
  public void commit(long appliedIndex, boolean sync) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Drops an uncommitted batch. */
  @Override
  public void close() {
    throw new UnsupportedOperationException("TODO");
  }
}
