package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.AlarmMember;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.mvccpb.KeyValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.Snapshot;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * etcd's MVCC key-value store on LevelDB: one global revision, per-key create/mod revision and version,
 * tombstones until compaction, leases, alarms, and the applied Raft index written atomically with every
 * applied batch.
 *
 * <p>Threading: reads may come from any thread concurrently with the single apply thread, which is the only
 * caller of {@link #beginApply()}.
 */
public final class MvccStore implements AutoCloseable {
  private final Path dir;
  private final StoreOptions options;
  // Replaced as a whole by installSnapshot, under the lifecycle write lock: every use of db goes through
  // enter() (the read lock), so a reader sees the old or the new store, never a mix.
  private volatile DB db;
  private volatile SharedState state;
  private volatile Compactor compactor;
  /** Held (shared) by every use of {@link #db}; {@link #close()} takes it exclusively. */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private volatile boolean closed;
  private volatile ApplyBatch openBatch;

  private MvccStore(Path dir, DB db, Recovery.Result recovered, StoreOptions options) {
    this.dir = dir;
    this.options = options;
    adopt(db, recovered);
  }

  /** The applied index as of the last fsync: what survives a power loss. */
  private volatile long syncedAppliedIndex;

  /** Takes db and its recovered state as the store's content (open, or installSnapshot under the lock). */
  private void adopt(DB newDb, Recovery.Result recovered) {
    this.db = newDb;
    this.state = recovered.state();
    this.syncedAppliedIndex = recovered.state().appliedIndex; // read back from disk
    this.compactor =
        new Compactor(
            newDb,
            options.compactionBatchLimit(),
            recovered.state().liveBytes,
            recovered.finishedCompact(),
            options.afterCompactionChunk());
    if (recovered.scheduledCompact() > recovered.finishedCompact()) {
      // A compaction was applied but its physical part did not finish before the last shutdown.
      compactor.schedule(recovered.scheduledCompact(), recovered.keep());
    }
  }

  /** Opens (creating if needed) the store in {@code dir}, rebuilding the in-memory key index from disk. */
  public static MvccStore open(Path dir) throws IOException {
    return open(dir, StoreOptions.DEFAULT);
  }

  static MvccStore open(Path dir, StoreOptions options) throws IOException {
    StoreSwap.recover(dir); // finishes or undoes an installSnapshot interrupted by a crash
    Files.createDirectories(dir);
    DB db = openDb(dir);
    try {
      return new MvccStore(dir, db, Recovery.load(db), options);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  static DB openDb(Path dir) throws IOException {
    return JniDBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true));
  }

  /** The revision of the last applied change (1 on an empty store, as etcd). */
  public long currentRevision() {
    return state.currentRev;
  }

  /**
   * The applied index of the last batch made durable (committed with sync, or covered by {@link #sync}, or
   * read back from disk): after a power loss the store reopens at least here.
   */
  public long syncedAppliedIndex() {
    return syncedAppliedIndex;
  }

  /** The last compacted revision, 0 when never compacted. */
  public long compactedRevision() {
    return Math.max(0, state.compactRev);
  }

  /** The Raft index of the last applied batch, read back from disk on open. */
  public long appliedIndex() {
    return state.appliedIndex;
  }

  /**
   * A read with etcd's Range semantics. The header is left unset: the caller fills it.
   *
   * <p>As etcd 3.4 ({@code rangeKeys}): a revision above the current one fails with FUTURE_REVISION, one
   * below the compacted revision with COMPACTED; reading at exactly the compacted revision works, since
   * compaction keeps every key's value as of that revision.
   */
  public RangeResponse.Builder range(RangeRequest request) throws MvccException {
    Lock g = enter();
    try {
      RangeReader.Plan plan;
      Snapshot snap = null;
      state.lock.readLock().lock();
      try {
        plan = RangeReader.plan(state.view(), request);
        if (!plan.revisions().isEmpty()) {
          // Pinned before the index lock is released: a later compaction cannot take these values away.
          snap = db.getSnapshot();
        }
      } finally {
        state.lock.readLock().unlock();
      }
      try {
        return RangeReader.finish(plan, request, snapshotReader(snap));
      } finally {
        closeQuietly(snap);
      }
    } finally {
      g.unlock();
    }
  }

  /**
   * The key's KeyValue as of {@code atRevision} (0: current), or empty when it did not exist then, or the
   * revision is compacted or in the future (the watch layer uses this for prev_kv at revision - 1, where
   * etcd likewise leaves prev_kv out when it cannot be read).
   */
  public Optional<KeyValue> get(ByteString key, long atRevision) {
    Lock g = enter();
    try {
      KeyState s;
      Snapshot snap;
      state.lock.readLock().lock();
      try {
        long rev = atRevision <= 0 ? state.currentRev : atRevision;
        if (rev > state.currentRev || rev < state.compactRev) {
          return Optional.empty();
        }
        KeyIndex ki = state.index.get(key);
        s = ki == null ? null : ki.get(rev);
        if (s == null) {
          return Optional.empty();
        }
        snap = db.getSnapshot();
      } finally {
        state.lock.readLock().unlock();
      }
      try {
        return Optional.of(snapshotReader(snap).read(s.modified()));
      } finally {
        closeQuietly(snap);
      }
    } finally {
      g.unlock();
    }
  }

  /**
   * History for watchers: the events with revision in [fromRevision, currentRevision] on keys in
   * [key, rangeEnd) (rangeEnd empty: key only; "\0": from key on), at most maxEvents, whole revisions only.
   * COMPACTED when fromRevision is at or below the compacted revision.
   *
   * <p>A single revision with more events than maxEvents is returned whole (otherwise a watcher could
   * never get past it). A page may also end early after 100,000 records were
   * examined; {@code nextRevision} always says where to go on.
   */
  public EventPage events(long fromRevision, ByteString key, ByteString rangeEnd, int maxEvents)
      throws MvccException {
    Lock g = enter();
    try {
      long current;
      Snapshot snap;
      state.lock.readLock().lock();
      try {
        if (fromRevision <= compactedRevision()) {
          throw new MvccException(MvccException.Code.COMPACTED);
        }
        current = state.currentRev;
        snap = db.getSnapshot();
      } finally {
        state.lock.readLock().unlock();
      }
      try {
        return HistoryReader.read(
            db, scanOptions(snap), fromRevision, current, KeyRange.of(key, rangeEnd), maxEvents);
      } finally {
        closeQuietly(snap);
      }
    } finally {
      g.unlock();
    }
  }

  /** A hash of the whole store (Maintenance.Hash). */
  public long hash() {
    Lock g = enter();
    try (Snapshot snap = db.getSnapshot()) {
      return Hashing.hash(db, scanOptions(snap));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      g.unlock();
    }
  }

  /** A hash of the MVCC keys up to revision (0: current), as Maintenance.HashKV; equal stores hash equal. */
  public long hashKV(long revision) throws MvccException {
    return hashKVResult(revision).hash();
  }

  /**
   * {@link #hashKV} with the revisions a HashKVResponse reports, all taken at the same instant: the
   * revision hashed up to and the compaction revision the hash starts from.
   */
  public HashKvResult hashKVResult(long revision) throws MvccException {
    Lock g = enter();
    try {
      long rev;
      long compact;
      Set<Revision> keep;
      Snapshot snap;
      state.lock.readLock().lock();
      try {
        compact = state.compactRev;
        // etcd's HashByRev: at or below the compaction revision is refused.
        if (revision > 0 && revision <= compact) {
          throw new MvccException(MvccException.Code.COMPACTED);
        }
        if (revision > state.currentRev) {
          throw new MvccException(MvccException.Code.FUTURE_REVISION);
        }
        rev = revision <= 0 ? state.currentRev : revision;
        keep = state.index.keep(rev);
        snap = db.getSnapshot();
      } finally {
        state.lock.readLock().unlock();
      }
      try {
        return new HashKvResult(
            Hashing.hashKV(db, scanOptions(snap), rev, compact, keep), rev, Math.max(0, compact));
      } finally {
        closeQuietly(snap);
      }
    } finally {
      g.unlock();
    }
  }

  /** Bytes the store takes on disk. */
  public long dbSizeBytes() {
    long total = 0;
    Lock g = enter(); // installSnapshot moves the directory under the write lock
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        try {
          total += Files.size(f);
        } catch (NoSuchFileException e) {
          // removed by a LevelDB compaction meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      g.unlock();
    }
    return total;
  }

  /**
   * Bytes of live data (an estimate), as etcd's dbSizeInUse: the key and value bytes of the revision
   * records still on disk (tracked as they are written and compacted away), capped by the file size since
   * LevelDB compresses.
   */
  public long dbSizeInUseBytes() {
    return Math.max(0, Math.min(state.liveBytes.get(), dbSizeBytes()));
  }

  /** Reclaims space online; readers and the apply thread go on meanwhile (unlike etcd's defrag). */
  public void defragment() {
    Lock g = enter();
    try {
      db.compactRange(null, null);
    } finally {
      g.unlock();
    }
  }

  /**
   * Streams a consistent copy of the whole store, ending with an integrity checksum, and returns the Raft
   * index of the last batch the copy contains (its applied index: what a Raft §7 snapshot's meta.index
   * must be). The term is not the store's business: the Raft log knows the term of that index.
   */
  public long writeSnapshot(OutputStream out) throws IOException {
    Lock g = enter();
    try (Snapshot snap = db.getSnapshot()) {
      ReadOptions ro = scanOptions(snap);
      byte[] applied = db.get(LevelDbKeys.APPLIED_INDEX, ro);
      SnapshotFormat.write(db, ro, out);
      return applied == null ? 0 : LevelDbKeys.bytesLong(applied);
    } finally {
      g.unlock();
    }
  }

  /**
   * Replaces the whole content of the store, in place, by a snapshot file written by {@link #writeSnapshot}
   * (Raft §7 InstallSnapshot on a follower; etcd's applySnapshot swapping in the leader's backend). The
   * file is verified while it is loaded into a LevelDB directory beside the store; a corrupt or truncated
   * file fails with an IOException and the store stays as it was. Only then, under the store's exclusive
   * lock, the directories are swapped and the key index, leases and alarms rebuilt ({@link Recovery}):
   * readers on other threads wait for the swap and see the old or the new content, never a mix.
   * Afterwards appliedIndex() and currentRevision() are the snapshot's.
   *
   * <p>Apply thread only, with no batch open. A crash during the swap is repaired by the next open.
   * Pending {@link #compactionFinished} futures of the old content fail (that content is gone).
   */
  public void installSnapshot(Path snapshotFile) throws IOException {
    if (openBatch != null) {
      throw new IllegalStateException("cannot install a snapshot while an ApplyBatch is open");
    }
    Path staged = StoreSwap.staged(dir);
    StoreSwap.deleteRecursively(staged);
    try (InputStream in = Files.newInputStream(snapshotFile)) {
      SnapshotRestore.restore(in, staged); // verified; leaves nothing behind when it fails
    }
    Compactor oldCompactor = compactor;
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        StoreSwap.deleteRecursively(staged);
        throw new IllegalStateException("store is closed");
      }
      oldCompactor.close(); // stops after its chunk in progress; never touches lifecycle
      db.close();
      try {
        StoreSwap.swap(dir, staged);
      } catch (IOException | RuntimeException e) {
        // swap put the old directory back: reopen it, the store stays as it was
        StoreSwap.deleteRecursively(staged);
        DB old = openDb(dir);
        adopt(old, Recovery.load(old));
        throw e;
      }
      DB fresh = openDb(dir);
      try {
        adopt(fresh, Recovery.load(fresh));
      } catch (RuntimeException e) {
        fresh.close();
        closed = true; // neither old nor new content is usable: the member must stop
        throw e;
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /**
   * Builds a store directory from a snapshot stream written by {@link #writeSnapshot}. The checksum is
   * verified before the directory appears; truncated or corrupt input fails with an IOException saying so
   * and leaves nothing behind. {@code dir} must not exist or be empty.
   */
  public static void restoreSnapshot(InputStream in, Path dir) throws IOException {
    SnapshotRestore.restore(in, dir);
  }

  /**
   * {@code cairn snapshot restore}: builds the store directory of a member of a new cluster from a snapshot
   * stream, as etcd's snapshot restore does. The key space is kept whole (revisions, tombstones, compaction
   * state, leases, alarms); the old cluster's applied Raft index and member meta (cluster and member IDs,
   * published attributes, Raft term) are dropped, so the store opens with appliedIndex() 0 and no meta, ready
   * for a fresh Raft log and the new identity. Verified as {@link #restoreSnapshot}; with {@code verifyDigest}
   * false the SHA-256 trailer is not compared (etcdctl's --skip-hash-check), the structure still is.
   */
  public static void restoreForNewCluster(InputStream in, Path dir, boolean verifyDigest) throws IOException {
    SnapshotRestore.restore(in, dir, SnapshotRestore::keptByNewCluster, verifyDigest);
  }

  /** Verifies a snapshot file and describes it (hash, revision, records, size), for {@code cairn snapshot status}. */
  public static SnapshotInfo snapshotStatus(Path file) throws IOException {
    return SnapshotRestore.status(file);
  }

  /** The granted leases now, with their attached keys. */
  public Map<Long, LeaseRecord> leases() {
    SharedState s = state; // one store's state throughout, even across an installSnapshot
    s.lock.readLock().lock();
    try {
      return s.leases.records();
    } finally {
      s.lock.readLock().unlock();
    }
  }

  public Optional<LeaseRecord> lease(long id) {
    SharedState s = state;
    s.lock.readLock().lock();
    try {
      return Optional.ofNullable(s.leases.record(id));
    } finally {
      s.lock.readLock().unlock();
    }
  }

  /** The active alarms. */
  public List<AlarmMember> alarms() {
    SharedState s = state;
    s.lock.readLock().lock();
    try {
      return s.alarmList();
    } finally {
      s.lock.readLock().unlock();
    }
  }

  /** A small value the member keeps beside the data (cluster id, member list...), or empty. */
  public Optional<byte[]> meta(String name) {
    Lock g = enter();
    try {
      return Optional.ofNullable(db.get(LevelDbKeys.userMeta(name)));
    } finally {
      g.unlock();
    }
  }

  /** Starts the next applied batch; only the apply thread calls this, and one batch at a time. */
  public ApplyBatch beginApply() {
    Lock g = enter();
    try {
      if (openBatch != null) {
        throw new IllegalStateException("an ApplyBatch is already open");
      }
      ApplyBatch b = new ApplyBatch(this, new Overlay(state, this::readCommitted));
      openBatch = b;
      return b;
    } finally {
      g.unlock();
    }
  }

  /**
   * Completes once the physical part of the compaction at {@code revision} (or a later one) is done: what
   * CompactionRequest.physical waits for. Fails if the store closes first.
   */
  public CompletableFuture<Void> compactionFinished(long revision) {
    return compactor.whenFinished(revision);
  }

  /** Waits up to {@code timeout} for every scheduled compaction to be physically done. */
  public boolean awaitCompaction(Duration timeout) throws InterruptedException {
    try {
      compactionFinished(state.compactRev).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    compactor.close();
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      db.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  // ------------------------------------------------------------------ apply side (ApplyBatch)

  /** Writes the batch in one LevelDB write, then publishes it to readers. */
  void commit(ApplyBatch batch, Overlay o, long appliedIndex, boolean sync) {
    Lock g = enter();
    try {
      long written = 0;
      try (WriteBatch wb = db.createWriteBatch()) {
        for (Overlay.Write w : o.writes) {
          if (w.value() == null) {
            wb.delete(w.key());
          } else {
            wb.put(w.key(), w.value());
            if (LevelDbKeys.isRevKey(w.key())) {
              written += w.key().length + w.value().length;
            }
          }
        }
        wb.put(LevelDbKeys.APPLIED_INDEX, LevelDbKeys.longBytes(appliedIndex));
        wb.put(LevelDbKeys.CURRENT_REV, LevelDbKeys.longBytes(o.currentRevision()));
        db.write(wb, new WriteOptions().sync(sync));
        if (sync) {
          syncedAppliedIndex = appliedIndex;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      long compactBefore = state.compactRev;
      Publisher.publish(state, o, appliedIndex, written);
      if (o.compactRevision() > compactBefore) {
        compactor.schedule(o.compactRevision(), Publisher.compactIndex(state, o.compactRevision()));
      }
    } finally {
      batchClosed(batch);
      g.unlock();
    }
  }

  /**
   * Makes every batch committed so far durable (one fsync of LevelDB's write-ahead log, through an empty
   * synced write). The applier commits a batch unsynced, answers its clients, then calls this before it
   * writes the next batch, so the fsync is off the clients' path but a batch never follows an unsynced one
   * into a new LevelDB log file (which would leave a hole after a power loss).
   */
  public void sync() {
    Lock g = enter();
    try (WriteBatch empty = db.createWriteBatch()) {
      long applied = state.appliedIndex;
      db.write(empty, new WriteOptions().sync(true));
      syncedAppliedIndex = applied;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      g.unlock();
    }
  }

  void batchClosed(ApplyBatch batch) {
    if (openBatch == batch) {
      openBatch = null;
    }
  }

  /** Shared access to the LevelDB handle; fails once the store is closed. */
  Lock enter() {
    Lock l = lifecycle.readLock();
    l.lock();
    if (closed) {
      l.unlock();
      throw new IllegalStateException("store is closed");
    }
    return l;
  }

  /** Apply thread only: committed values need no snapshot, compaction never removes what it reads. */
  private KeyValue readCommitted(Revision rev) {
    return parseRecord(rev, db.get(LevelDbKeys.revKey(rev, false)));
  }

  private ValueReader snapshotReader(Snapshot snap) {
    ReadOptions ro = new ReadOptions().snapshot(snap);
    return rev -> parseRecord(rev, db.get(LevelDbKeys.revKey(rev, false), ro));
  }

  private static KeyValue parseRecord(Revision rev, byte[] value) {
    if (value == null) {
      // etcd treats this as fatal too: the index points at a record that is not there.
      throw new IllegalStateException("revision record " + rev + " missing");
    }
    return HistoryReader.parse(value);
  }

  private static ReadOptions scanOptions(Snapshot snap) {
    return new ReadOptions().snapshot(snap).fillCache(false);
  }

  private static void closeQuietly(Snapshot snap) {
    if (snap != null) {
      try {
        snap.close();
      } catch (IOException ignored) {
        // releasing a snapshot does not fail in leveldbjni
      }
    }
  }

  /** Revision records on disk (tests: physical compaction). */
  long revisionRecordCount() {
    Lock g = enter();
    try (DBIterator it = db.iterator()) {
      long n = 0;
      for (it.seek(LevelDbKeys.revSeek(0)); it.hasNext(); ) {
        if (!LevelDbKeys.isRevKey(it.next().getKey())) {
          break;
        }
        n++;
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      g.unlock();
    }
  }
}
