package io.cairn.persistence.mvcc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.ReadOptions;

/** Maintenance.Hash and Maintenance.HashKV over a LevelDB snapshot. */
final class Hashing {
  private Hashing() {}

  /** CRC-32 over every record of the store, meta included (etcd hashes the whole bolt file). */
  static long hash(DB db, ReadOptions ro) {
    CRC32 h = new CRC32();
    try (DBIterator it = db.iterator(ro)) {
      for (it.seekToFirst(); it.hasNext(); ) {
        Map.Entry<byte[], byte[]> e = it.next();
        h.update(e.getKey());
        h.update(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return h.getValue();
  }

  /**
   * etcd's {@code HashByRev}: CRC-32C (Castagnoli) over the revision records up to {@code rev}. Records at
   * or below the compaction revision count only if a compaction at rev would keep them, so a member that
   * has not finished removing them physically hashes like one that has.
   */
  static long hashKV(DB db, ReadOptions ro, long rev, long compactRev, Set<Revision> keep) {
    CRC32C h = new CRC32C();
    h.update("key".getBytes(StandardCharsets.US_ASCII));
    try (DBIterator it = db.iterator(ro)) {
      it.seek(LevelDbKeys.revSeek(0));
      while (it.hasNext()) {
        Map.Entry<byte[], byte[]> e = it.next();
        byte[] k = e.getKey();
        if (!LevelDbKeys.isRevKey(k)) {
          break;
        }
        Revision r = LevelDbKeys.parseRev(k);
        if (r.main() > rev) {
          break;
        }
        if (r.main() <= compactRev && !keep.contains(r)) {
          continue;
        }
        h.update(k);
        h.update(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return h.getValue();
  }
}
