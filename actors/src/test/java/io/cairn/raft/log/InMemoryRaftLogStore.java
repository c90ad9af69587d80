package io.cairn.raft.log;

import io.cairn.api.raft.Entry;
import io.cairn.api.raft.HardState;
import io.cairn.api.raft.SnapshotMeta;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The in-memory twin of the persistent Raft log. Changes are visible at once; their "durable" completion
 * is immediate unless appends are held ({@link #holdAppends()}), in which case the test completes them,
 * in order, with {@link #releaseAppends(int)}. Thread-safe: the node writes, the test reads.
 */
public final class InMemoryRaftLogStore implements RaftLogStore {

  private HardState hardState = HardState.getDefaultInstance();
  private SnapshotMeta snapshot = SnapshotMeta.getDefaultInstance();
  private final List<Entry> entries = new ArrayList<>(); // entries.get(i).index == snapshot.index + 1 + i
  private boolean holdAppends;
  private final ArrayDeque<CompletableFuture<Void>> heldAppends = new ArrayDeque<>();

  @Override
  public synchronized HardState hardState() {
    return hardState;
  }

  @Override
  public synchronized SnapshotMeta snapshotMeta() {
    return snapshot;
  }

  @Override
  public synchronized long firstIndex() {
    return snapshot.getIndex() + 1;
  }

  @Override
  public synchronized long lastIndex() {
    return snapshot.getIndex() + entries.size();
  }

  @Override
  public synchronized long term(long index) {
    if (index == snapshot.getIndex()) {
      return snapshot.getTerm();
    }
    if (index < snapshot.getIndex() || index > lastIndex()) {
      throw new IndexOutOfBoundsException("index " + index + " outside [" + snapshot.getIndex() + ", " + lastIndex() + "]");
    }
    return entries.get(offset(index)).getTerm();
  }

  @Override
  public synchronized List<Entry> entries(long fromIndex, long toIndexExclusive, long maxBytes) {
    if (fromIndex < firstIndex() || toIndexExclusive > lastIndex() + 1) {
      throw new IndexOutOfBoundsException("range [" + fromIndex + ", " + toIndexExclusive + ") outside the log");
    }
    List<Entry> result = new ArrayList<>();
    long bytes = 0;
    for (long index = fromIndex; index < toIndexExclusive; index++) {
      Entry entry = entries.get(offset(index));
      if (!result.isEmpty() && bytes + entry.getData().size() > maxBytes) {
        break;
      }
      bytes += entry.getData().size();
      result.add(entry);
    }
    return result;
  }

  @Override
  public CompletionStage<Void> append(List<Entry> newEntries) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (this) {
      long first = newEntries.get(0).getIndex();
      if (first <= snapshot.getIndex() || first > lastIndex() + 1) {
        throw new IllegalArgumentException("append at " + first + " does not fit a log ending at " + lastIndex());
      }
      while (lastIndex() >= first) {
        entries.remove(entries.size() - 1); // the suffix truncation
      }
      entries.addAll(newEntries);
      if (holdAppends) {
        heldAppends.addLast(done);
        return done;
      }
    }
    done.complete(null);
    return done;
  }

  @Override
  public CompletionStage<Void> saveHardState(HardState newHardState) {
    synchronized (this) {
      hardState = newHardState;
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> compact(SnapshotMeta upTo) {
    synchronized (this) {
      int drop = (int) (upTo.getIndex() - snapshot.getIndex());
      entries.subList(0, Math.min(drop, entries.size())).clear();
      snapshot = upTo;
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> resetToSnapshot(SnapshotMeta newSnapshot) {
    synchronized (this) {
      entries.clear();
      snapshot = newSnapshot;
    }
    return CompletableFuture.completedFuture(null);
  }

  /** From now on appends complete only when released (a slow disk under test control). */
  public synchronized void holdAppends() {
    holdAppends = true;
  }

  public synchronized int heldAppendCount() {
    return heldAppends.size();
  }

  /** Completes up to count held appends, oldest first; then appends complete at once again if none remain held. */
  public void releaseAppends(int count) {
    List<CompletableFuture<Void>> release = new ArrayList<>();
    synchronized (this) {
      for (int i = 0; i < count && !heldAppends.isEmpty(); i++) {
        release.add(heldAppends.pollFirst());
      }
    }
    release.forEach(f -> f.complete(null)); // outside the lock: completion callbacks run here
  }

  /** Completes everything held and stops holding. */
  public void releaseAll() {
    synchronized (this) {
      holdAppends = false;
    }
    releaseAppends(Integer.MAX_VALUE);
  }

  /** A copy of the whole log (for comparing members' logs). */
  public synchronized List<Entry> allEntries() {
    return List.copyOf(entries);
  }

  private int offset(long index) {
    return (int) (index - snapshot.getIndex() - 1);
  }
}
