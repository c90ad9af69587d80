package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.AlarmMember;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * etcd's MVCC key-value store on LevelDB: one global revision, per-key create/mod revision and version,
 * tombstones until compaction, leases, alarms, and the applied Raft index written atomically with every
 * applied batch.
 *
 * <p>Threading: reads may come from any thread concurrently with the single apply thread, which is the only
 * caller of {@link #beginApply()}.
 */
public final class MvccStore implements AutoCloseable {

  /** Opens (creating if needed) the store in {@code dir}, rebuilding the in-memory key index from disk. */
  public static MvccStore open(Path dir) throws IOException {
    throw new UnsupportedOperationException("TODO");
  }

  /** The revision of the last applied change (1 on an empty store, as etcd). */
  public long currentRevision() {
    throw new UnsupportedOperationException("TODO");
  }

  /** The last compacted revision, 0 when never compacted. */
  public long compactedRevision() {
    throw new UnsupportedOperationException("TODO");
  }

  /** The Raft index of the last applied batch, read back from disk on open. */
  public long appliedIndex() {
    throw new UnsupportedOperationException("TODO");
  }

  /** A read with etcd's Range semantics. The header is left unset: the caller fills it. */
  public RangeResponse.Builder range(RangeRequest request) throws MvccException {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * History for watchers: the events with revision in [fromRevision, currentRevision] on keys in
   * [key, rangeEnd) (rangeEnd empty: key only; "\0": from key on), at most maxEvents, whole revisions only.
   * COMPACTED when fromRevision is at or below the compacted revision.
   */
  public EventPage events(long fromRevision, ByteString key, ByteString rangeEnd, int maxEvents)
      throws MvccException {
    throw new UnsupportedOperationException("TODO");
  }

  /** A hash of the whole store (Maintenance.Hash). */
  public long hash() {
    throw new UnsupportedOperationException("TODO");
  }

  /** A hash of the MVCC keys up to revision (0: current), as Maintenance.HashKV; equal stores hash equal. */
  public long hashKV(long revision) throws MvccException {
    throw new UnsupportedOperationException("TODO");
  }

  /** Bytes the store takes on disk. */
  public long dbSizeBytes() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Bytes of live data (an estimate), as etcd's dbSizeInUse. */
  public long dbSizeInUseBytes() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Reclaims space online; readers and the apply thread go on meanwhile (unlike etcd's defrag). */
  public void defragment() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Streams a consistent copy of the whole store, ending with an integrity checksum. */
  public void writeSnapshot(OutputStream out) throws IOException {
    throw new UnsupportedOperationException("TODO");
  }

  /** The granted leases now, with their attached keys. */
  public Map<Long, LeaseRecord> leases() {
    throw new UnsupportedOperationException("TODO");
  }

  public Optional<LeaseRecord> lease(long id) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The active alarms. */
  public List<AlarmMember> alarms() {
    throw new UnsupportedOperationException("TODO");
  }

  /** A small value the member keeps beside the data (cluster id, member list...), or empty. */
  public Optional<byte[]> meta(String name) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Starts the next applied batch; only the apply thread calls this, and one batch at a time. */
  public ApplyBatch beginApply() {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public void close() {
    throw new UnsupportedOperationException("TODO");
  }
}
