package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The revisions of one key, a port of etcd's {@code mvcc/key_index.go}: a list of generations, each the
 * life of the key from a creation up to (and including) its deletion, the last one being the current
 * (possibly empty) generation.
 *
 * <pre>
 *   put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0)
 *   generations: {1.0, 2.0, 3.0(t)}  {4.0, 5.0(t)}  {empty}
 * </pre>
 *
 * <p>Only revisions are held here; values stay in LevelDB. Not thread safe: the store mutates it only on
 * the apply thread while holding the write lock.
 */
final class KeyIndex {
  private static final Revision ZERO = new Revision(0, 0);

  final ByteString key;
  private Revision modified = ZERO;
  /** Lease of the current generation's last put; 0 when none or deleted. Lets puts detach the old lease. */
  private long lease;

  private List<Generation> generations = new ArrayList<>(1);

  KeyIndex(ByteString key) {
    this.key = key;
  }

  /** One life of the key. {@code ver} counts every put of the generation, even ones compacted away. */
  static final class Generation {
    long ver;
    Revision created;
    List<Revision> revs = new ArrayList<>(2);

    boolean isEmpty() {
      return revs.isEmpty();
    }

    Revision last() {
      return revs.get(revs.size() - 1);
    }

    /** Index of the newest revision with main <= atRev, or -1 (etcd's {@code generation.walk}). */
    int newestAtOrBelow(long atRev) {
      for (int i = revs.size() - 1; i >= 0; i--) {
        if (revs.get(i).main() <= atRev) {
          return i;
        }
      }
      return -1;
    }
  }

  Revision modified() {
    return modified;
  }

  long lease() {
    return lease;
  }

  /** True when the current generation holds the key, i.e. it is not deleted. */
  boolean isLive() {
    return !generations.isEmpty() && !generations.get(generations.size() - 1).isEmpty();
  }

  void put(Revision rev, long leaseId) {
    if (!rev.greaterThan(modified)) {
      throw new IllegalStateException(
          "put with an unexpected smaller revision " + rev + " <= " + modified + " on " + key);
    }
    if (generations.isEmpty()) {
      generations.add(new Generation());
    }
    Generation g = generations.get(generations.size() - 1);
    if (g.isEmpty()) {
      g.created = rev;
    }
    g.revs.add(rev);
    g.ver++;
    modified = rev;
    lease = leaseId;
  }

  /** Rebuilds a key whose older revisions may have been compacted away (etcd's {@code restore}). */
  void restore(Revision created, Revision modifiedRev, long ver, long leaseId) {
    if (!generations.isEmpty()) {
      throw new IllegalStateException("restore on a non-empty key index " + key);
    }
    Generation g = new Generation();
    g.created = created;
    g.ver = ver;
    g.revs.add(modifiedRev);
    generations.add(g);
    modified = modifiedRev;
    lease = leaseId;
  }

  /**
   * Records a deletion: the tombstone revision ends the current generation and a new empty one starts.
   * Returns false, changing nothing, when the key is not live (etcd's ErrRevisionNotFound).
   */
  boolean tombstone(Revision rev) {
    if (!isLive()) {
      return false;
    }
    put(rev, 0);
    generations.add(new Generation());
    lease = 0;
    return true;
  }

  /** The key as of {@code atRev}, or null when it did not exist then. */
  KeyState get(long atRev) {
    Generation g = findGeneration(atRev);
    if (g == null || g.isEmpty()) {
      return null;
    }
    int n = g.newestAtOrBelow(atRev);
    if (n == -1) {
      return null;
    }
    return new KeyState(g.revs.get(n), g.created.main(), g.ver - (g.revs.size() - n - 1));
  }

  /**
   * The generation {@code rev} falls in, or null when the key did not exist at rev (between two
   * generations, i.e. at or after a tombstone).
   */
  private Generation findGeneration(long rev) {
    int lastg = generations.size() - 1;
    for (int cg = lastg; cg >= 0; cg--) {
      Generation g = generations.get(cg);
      if (g.isEmpty()) {
        continue;
      }
      if (cg != lastg && g.last().main() <= rev) {
        return null;
      }
      if (g.revs.get(0).main() <= rev) {
        return g;
      }
    }
    return null;
  }

  /**
   * Drops every revision older than the newest one at or below {@code atRev}, and that one too when it is
   * a tombstone; adds the revisions that stay to {@code available} (etcd's {@code keyIndex.compact}).
   */
  void compact(long atRev, Set<Revision> available) {
    int[] found = doCompact(atRev, available);
    int genIdx = found[0];
    int revIndex = found[1];
    Generation g = generations.get(genIdx);
    if (!g.isEmpty()) {
      if (revIndex != -1) {
        g.revs = new ArrayList<>(g.revs.subList(revIndex, g.revs.size()));
      }
      // A generation reduced to its tombstone is history nobody can read any more: drop it.
      if (g.revs.size() == 1 && genIdx != generations.size() - 1) {
        available.remove(g.revs.get(0));
        genIdx++;
      }
    }
    if (genIdx > 0) {
      generations = new ArrayList<>(generations.subList(genIdx, generations.size()));
    }
  }

  /** Adds the revisions a compaction at {@code atRev} would keep, changing nothing (etcd's {@code keep}). */
  void keep(long atRev, Set<Revision> available) {
    if (isEmpty()) {
      return;
    }
    int[] found = doCompact(atRev, available);
    Generation g = generations.get(found[0]);
    if (!g.isEmpty() && found[1] == g.revs.size() - 1 && found[0] != generations.size() - 1) {
      available.remove(g.revs.get(found[1]));
    }
  }

  private int[] doCompact(long atRev, Set<Revision> available) {
    int genIdx = 0;
    Generation g = generations.get(0);
    // The first generation still alive at atRev, or created after it.
    while (genIdx < generations.size() - 1) {
      if (g.last().main() > atRev) {
        break;
      }
      genIdx++;
      g = generations.get(genIdx);
    }
    int revIndex = g.newestAtOrBelow(atRev);
    if (revIndex != -1) {
      available.add(g.revs.get(revIndex));
    }
    return new int[] {genIdx, revIndex};
  }

  /** Nothing left: one empty generation (the tree drops such keys after compaction). */
  boolean isEmpty() {
    return generations.isEmpty() || (generations.size() == 1 && generations.get(0).isEmpty());
  }
}
