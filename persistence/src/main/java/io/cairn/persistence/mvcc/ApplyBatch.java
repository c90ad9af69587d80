package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.AlarmMember;
import io.cairn.api.etcdserverpb.CompactionResponse;
import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.DeleteRangeResponse;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.api.mvccpb.Event;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * One applied batch: any number of etcd requests applied in order, each mutating request taking the next
 * main revision (etcd: one revision per Put/DeleteRange/Txn that changes something, sub-revisions inside a
 * Txn). Nothing is visible to readers until {@link #commit}, which writes the whole batch and the applied
 * Raft index in one LevelDB write batch.
 *
 * <p>Responses come back with their header unset; the caller fills cluster/member id and raft term, and
 * the revision from {@link #revision()} after the call.
 *
 * <p>A request that fails with {@link MvccException} (or anything else) leaves the batch exactly as it was
 * before that request. Only the apply thread may use a batch.
 */
public final class ApplyBatch implements AutoCloseable {
  private final MvccStore store;
  private final Overlay overlay;
  private final Applier applier;
  private boolean finished;

  ApplyBatch(MvccStore store, Overlay overlay) {
    this.store = store;
    this.overlay = overlay;
    this.applier = new Applier(overlay);
  }

  @FunctionalInterface
  private interface Request<T> {
    T apply() throws MvccException;
  }

  /** Runs one request as one write txn, rolled back as a whole if it fails. */
  private <T> T apply(Request<T> request) throws MvccException {
    if (finished) {
      throw new IllegalStateException("batch already committed or closed");
    }
    Lock g = store.enter();
    int mark = overlay.mark();
    try {
      overlay.beginTxn();
      return request.apply();
    } catch (MvccException | RuntimeException e) {
      overlay.rollback(mark);
      throw e;
    } finally {
      g.unlock();
    }
  }

  private void applyUnchecked(Runnable r) {
    try {
      apply(
          () -> {
            r.run();
            return null;
          });
    } catch (MvccException e) {
      throw new IllegalStateException(e);
    }
  }

  public PutResponse.Builder put(PutRequest request) throws MvccException {
    return apply(() -> applier.standalonePut(request));
  }

  public DeleteRangeResponse.Builder deleteRange(DeleteRangeRequest request) throws MvccException {
    return apply(() -> applier.deleteRange(request));
  }

  /** Compares and success/failure ops (nested txns included) evaluated against the batch's own view. */
  public TxnResponse.Builder txn(TxnRequest request) throws MvccException {
    return apply(() -> applier.txn(request));
  }

  /**
   * A Range against the batch's own view (earlier requests of the batch included), for reads that go
   * through the log. Added beside the contract; the header is left unset.
   */
  public RangeResponse.Builder range(RangeRequest request) throws MvccException {
    return apply(() -> applier.range(request));
  }

  /**
   * Records the compaction (reads below it fail with COMPACTED from commit on); the physical removal of old
   * revisions runs in the background afterwards, in bounded steps.
   */
  public CompactionResponse.Builder compact(long revision) throws MvccException {
    return apply(
        () -> {
          // etcd's updateCompactRev: the same or an older revision than the last compaction is refused.
          if (revision <= overlay.compactRevision()) {
            throw new MvccException(MvccException.Code.COMPACTED);
          }
          if (revision > overlay.currentRevision()) {
            throw new MvccException(MvccException.Code.FUTURE_REVISION);
          }
          overlay.compact(revision);
          return CompactionResponse.newBuilder();
        });
  }

  /** LEASE_EXISTS if the id is taken. */
  public void leaseGrant(long id, long ttlSeconds) throws MvccException {
    apply(
        () -> {
          if (overlay.leaseExists(id)) {
            throw new MvccException(MvccException.Code.LEASE_EXISTS);
          }
          overlay.grantLease(id, ttlSeconds);
          return null;
        });
  }

  /** Deletes the lease and all its keys in one revision. LEASE_NOT_FOUND if unknown. */
  public void leaseRevoke(long id) throws MvccException {
    apply(
        () -> {
          if (!overlay.leaseExists(id)) {
            throw new MvccException(MvccException.Code.LEASE_NOT_FOUND);
          }
          // etcd's lessor.Revoke: every attached key, in key order, deleted in one write txn.
          for (ByteString key : overlay.leaseKeys(id)) {
            if (overlay.latest(key) != null) {
              overlay.deleteKey(key);
            }
          }
          overlay.revokeLease(id);
          return null;
        });
  }

  public void alarmActivate(AlarmMember alarm) {
    applyUnchecked(() -> overlay.alarm(alarm, true));
  }

  public void alarmDeactivate(AlarmMember alarm) {
    applyUnchecked(() -> overlay.alarm(alarm, false));
  }

  /** Sets member meta, written with the batch; a null value removes it. */
  public void putMeta(String name, byte[] value) {
    applyUnchecked(() -> overlay.addWrite(LevelDbKeys.userMeta(name), value));
  }

  /** The store's revision as this batch leaves it so far. */
  public long revision() {
    return overlay.currentRevision();
  }

  /** The events this batch produced so far, in revision order. */
  public List<Event> events() {
    return List.copyOf(overlay.events);
  }

  /** Writes everything atomically with {@code appliedIndex}; {@code sync}: fsync before returning. */
  public void commit(long appliedIndex, boolean sync) {
    if (finished) {
      throw new IllegalStateException("batch already committed or closed");
    }
    finished = true;
    store.commit(this, overlay, appliedIndex, sync);
  }

  /** Drops an uncommitted batch. */
  @Override
  public void close() {
    if (!finished) {
      finished = true;
      store.batchClosed(this);
    }
  }
}
