package io.cairn.raft.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The temporary snapshot files under {@code <data-dir>/member/snap}: one naming scheme, cleanup on start. */
final class SnapshotFiles {
  static final String SUFFIX = ".snap.tmp";

  private SnapshotFiles() {}

  /** etcd keeps its snapshots in member/snap. */
  static Path snapDir(Path dataDir) {
    return dataDir.resolve("member").resolve("snap");
  }

  /** Creates dir and removes files with prefix left by a previous run (an unfinished transfer). */
  static void prepare(Path dir, String prefix) {
    try {
      Files.createDirectories(dir);
      try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, prefix + "*" + SUFFIX)) {
        for (Path f : stale) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path file(Path dir, String prefix, long memberId, long index) {
    return dir.resolve(prefix + Long.toHexString(memberId) + "-" + index + "-" + System.nanoTime() + SUFFIX);
  }

  static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a leftover is removed at the next start
    }
  }
}
