package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import java.util.HashSet;
import java.util.Iterator;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * etcd's {@code treeIndex}: every key ever written (and not compacted away) with its revisions, ordered
 * by key bytes. The only per-key state kept in memory; values are read from LevelDB on demand.
 *
 * <p>Not thread safe by itself; see {@link SharedState} for the locking.
 */
final class TreeIndex {
  /** Keys compacted per lock hold, so a large index does not stall readers for the whole compaction. */
  static final int COMPACT_CHUNK_KEYS = 10_000;

  private final TreeMap<ByteString, KeyIndex> tree = new TreeMap<>(KeyOrder.UNSIGNED);

  KeyIndex get(ByteString key) {
    return tree.get(key);
  }

  KeyIndex getOrCreate(ByteString key) {
    return tree.computeIfAbsent(key, KeyIndex::new);
  }

  NavigableMap<ByteString, KeyIndex> range(KeyRange range) {
    return range.selectFrom(tree);
  }

  Iterable<KeyIndex> all() {
    return tree.values();
  }

  int size() {
    return tree.size();
  }

  /**
   * Compacts every key at {@code rev}, drops keys left empty, and returns the revisions at or below rev
   * that must stay on disk. {@code pause} runs between chunks of keys so the caller can let readers in.
   */
  Set<Revision> compact(long rev, Runnable pause) {
    Set<Revision> available = new HashSet<>();
    int n = 0;
    for (Iterator<KeyIndex> it = tree.values().iterator(); it.hasNext(); ) {
      KeyIndex ki = it.next();
      ki.compact(rev, available);
      if (ki.isEmpty()) {
        it.remove();
      }
      if (++n % COMPACT_CHUNK_KEYS == 0) {
        pause.run();
      }
    }
    return available;
  }

  /** The revisions at or below rev a compaction at rev would keep (for hashKV). */
  Set<Revision> keep(long rev) {
    Set<Revision> available = new HashSet<>();
    for (KeyIndex ki : tree.values()) {
      ki.keep(rev, available);
    }
    return available;
  }
}
