package io.cairn.persistence.mvcc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.WriteBatch;

/** Restoring a store directory from a snapshot stream, and describing a snapshot file. */
final class SnapshotRestore {
  private static final int BATCH_RECORDS = 1000;

  private SnapshotRestore() {}

  /**
   * Writes the records into a fresh LevelDB beside {@code dir} and moves it into place only once the
   * whole stream has been verified, so a bad snapshot never leaves a half-restored store.
   */
  static void restore(InputStream in, Path dir) throws IOException {
    restore(in, dir, (k, v) -> true, true);
  }

  /** Which records of a snapshot a restore keeps. */
  @FunctionalInterface
  interface RecordFilter {
    boolean keep(byte[] key, byte[] value);
  }

  /**
   * The records a new cluster restored from a snapshot keeps (etcd's snapshot restore): the key space with its
   * revisions and compaction state, leases and alarms. Dropped: what belonged to the old cluster's Raft and
   * membership, namely the applied index (the new cluster's log starts empty) and every member meta record
   * (cluster and member IDs, published member attributes, the Raft term of the applied index).
   */
  static boolean keptByNewCluster(byte[] key, byte[] value) {
    return !LevelDbKeys.hasPrefix(key, LevelDbKeys.USER_META) && !Arrays.equals(key, LevelDbKeys.APPLIED_INDEX);
  }

  static void restore(InputStream in, Path dir, RecordFilter filter, boolean verifyDigest) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IOException("cannot restore snapshot: " + dir + " is not empty");
        }
      }
    }
    Path abs = dir.toAbsolutePath();
    Path tmp = abs.resolveSibling(abs.getFileName() + ".restoring-" + System.nanoTime());
    try {
      try (DB db = MvccStore.openDb(tmp)) {
        WriteBatch[] batch = {db.createWriteBatch()};
        int[] pending = {0};
        try {
          SnapshotFormat.read(
              in,
              (k, v) -> {
                if (!filter.keep(k, v)) {
                  return;
                }
                batch[0].put(k, v);
                if (++pending[0] == BATCH_RECORDS) {
                  db.write(batch[0]);
                  batch[0].close();
                  batch[0] = db.createWriteBatch();
                  pending[0] = 0;
                }
              },
              verifyDigest);
          db.write(batch[0]);
        } finally {
          batch[0].close();
        }
      }
      Files.deleteIfExists(abs);
      StoreSwap.move(tmp, abs);
    } catch (IOException | RuntimeException e) {
      StoreSwap.deleteRecursively(tmp);
      throw e;
    }
  }

  static SnapshotInfo status(Path file) throws IOException {
    CRC32 crc = new CRC32();
    long[] rev = {1};
    long count;
    try (InputStream in = Files.newInputStream(file)) {
      count =
          SnapshotFormat.read(
              in,
              (k, v) -> {
                crc.update(k);
                crc.update(v);
                if (LevelDbKeys.isRevKey(k)) {
                  rev[0] = Math.max(rev[0], LevelDbKeys.parseRev(k).main());
                } else if (Arrays.equals(k, LevelDbKeys.CURRENT_REV)) {
                  rev[0] = Math.max(rev[0], LevelDbKeys.bytesLong(v));
                }
              });
    }
    return new SnapshotInfo(crc.getValue(), rev[0], count, Files.size(file));
  }
}
