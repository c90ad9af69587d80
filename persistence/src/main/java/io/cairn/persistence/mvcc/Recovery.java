package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import io.cairn.api.mvccpb.KeyValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.ReadOptions;

/**
 * Rebuilds the in-memory state from LevelDB on open (etcd's {@code store.restore}): leases, alarms, and
 * the key index replayed from every revision record in revision order. Records at or below the
 * compaction revision are replayed too: they are the values of keys not written since. The index is then
 * compacted at the scheduled compaction revision, which both prunes what an interrupted physical
 * compaction left behind and yields the set of revisions that job must keep.
 */
final class Recovery {
  record Result(SharedState state, long scheduledCompact, long finishedCompact, Set<Revision> keep) {}

  private Recovery() {}

  static Result load(DB db) {
    SharedState s = new SharedState();
    long maxRev = 1;
    long currentMeta = 0;
    long scheduled = -1;
    long finished = -1;
    long liveBytes = 0;
    try (DBIterator it = db.iterator(new ReadOptions().fillCache(false))) {
      for (it.seekToFirst(); it.hasNext(); ) {
        Map.Entry<byte[], byte[]> e = it.next();
        byte[] k = e.getKey();
        byte[] v = e.getValue();
        switch (k[0]) {
          case LevelDbKeys.REV -> {
            Revision r = LevelDbKeys.parseRev(k);
            restoreRecord(s.index, r, LevelDbKeys.isTombstone(k), HistoryReader.parse(v));
            maxRev = Math.max(maxRev, r.main());
            liveBytes += k.length + v.length;
          }
          case LevelDbKeys.LEASE -> s.leases.grant(LevelDbKeys.leaseId(k), LevelDbKeys.bytesLong(v));
          case LevelDbKeys.ALARM -> s.alarms.add(LevelDbKeys.parseAlarm(k));
          case LevelDbKeys.META -> {
            if (java.util.Arrays.equals(k, LevelDbKeys.APPLIED_INDEX)) {
              s.appliedIndex = LevelDbKeys.bytesLong(v);
            } else if (java.util.Arrays.equals(k, LevelDbKeys.CURRENT_REV)) {
              currentMeta = LevelDbKeys.bytesLong(v);
            } else if (java.util.Arrays.equals(k, LevelDbKeys.SCHEDULED_COMPACT)) {
              scheduled = LevelDbKeys.bytesLong(v);
            } else if (java.util.Arrays.equals(k, LevelDbKeys.FINISHED_COMPACT)) {
              finished = LevelDbKeys.bytesLong(v);
            }
          }
          default -> {
            // member meta: read on demand
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s.liveBytes.set(liveBytes);
    long compact = Math.max(scheduled, finished);
    s.compactRev = compact;
    // The newest record may have been compacted away (a deleted key): the stored revision still counts.
    s.currentRev = Math.max(Math.max(maxRev, currentMeta), compact);
    Set<Revision> keep = compact >= 0 ? s.index.compact(compact, () -> {}) : Set.of();
    for (KeyIndex ki : s.index.all()) {
      if (ki.isLive() && ki.lease() != 0) {
        s.leases.attach(ki.lease(), ki.key);
      }
    }
    return new Result(s, compact, finished, keep);
  }

  /** etcd's {@code restoreIntoIndex}: the first record seen of a key restores its generation. */
  private static void restoreRecord(TreeIndex index, Revision r, boolean tombstone, KeyValue kv) {
    ByteString key = kv.getKey();
    KeyIndex ki = index.get(key);
    if (ki != null) {
      if (tombstone) {
        ki.tombstone(r);
      } else {
        ki.put(r, kv.getLease());
      }
    } else if (!tombstone) {
      index
          .getOrCreate(key)
          .restore(new Revision(kv.getCreateRevision(), 0), r, kv.getVersion(), kv.getLease());
    }
  }
}
