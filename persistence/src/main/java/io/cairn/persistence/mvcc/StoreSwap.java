package io.cairn.persistence.mvcc;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The directory swap of {@link MvccStore#installSnapshot}: the verified new LevelDB is staged in
 * {@code <dir>.snap-new}; the swap renames {@code dir} to {@code <dir>.snap-old}, the staged directory to
 * {@code dir}, then deletes the old one. A crash anywhere in between is repaired by {@link #recover} at the
 * next open: a missing {@code dir} with an old copy present means the staged copy was complete (it is only
 * renamed after verification), so the swap is finished; a staged copy beside an intact {@code dir} is an
 * interrupted load and is dropped.
 */
final class StoreSwap {
  private StoreSwap() {}

  static Path staged(Path dir) {
    return sibling(dir, ".snap-new");
  }

  static Path old(Path dir) {
    return sibling(dir, ".snap-old");
  }

  /** Swaps staged into dir; on failure dir holds the old content again. */
  static void swap(Path dir, Path staged) throws IOException {
    Path old = old(dir);
    deleteRecursively(old);
    move(dir, old);
    try {
      move(staged, dir);
    } catch (IOException | RuntimeException e) {
      move(old, dir);
      throw e;
    }
    deleteRecursively(old);
  }

  /** Called before opening dir: finishes or undoes an interrupted swap. */
  static void recover(Path dir) throws IOException {
    Path staged = staged(dir);
    Path old = old(dir);
    if (!Files.exists(dir) && Files.exists(old)) {
      move(Files.exists(staged) ? staged : old, dir);
    }
    deleteRecursively(staged);
    deleteRecursively(old);
  }

  /** Deletes a directory tree (or file), if present; also SnapshotRestore's cleanup of a failed restore. */
  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  private static Path sibling(Path dir, String suffix) {
    Path abs = dir.toAbsolutePath();
    return abs.resolveSibling(abs.getFileName() + suffix);
  }

  /** A rename, atomic where the file system can make it so; also SnapshotRestore's final move. */
  static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }
}
