package io.cairn.member;

import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * The applied index, and the reads waiting for it to reach their read index (etcd's applyWait).
 * The applier advances it after each committed batch; waiters complete in index order.
 */
public final class AppliedIndex {

  private record Waiter(long index, CompletableFuture<Void> future) {}

  private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.index, b.index));
  private volatile long applied;

  public AppliedIndex(long applied) {
    this.applied = applied;
  }

  public long get() {
    return applied;
  }

  /** Completes once the applied index is at least {@code index}. */
  public CompletableFuture<Void> await(long index) {
    if (applied >= index) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (waiters) {
      if (applied >= index) {
        return CompletableFuture.completedFuture(null);
      }
      waiters.add(new Waiter(index, f));
    }
    return f;
  }

  /** Called by the applier after a batch is durable. */
  public void advance(long index) {
    java.util.List<CompletableFuture<Void>> ready = new java.util.ArrayList<>();
    synchronized (waiters) {
      if (index > applied) {
        applied = index;
      }
      while (!waiters.isEmpty() && waiters.peek().index <= index) {
        ready.add(waiters.poll().future);
      }
    }
    ready.forEach(f -> f.complete(null));
  }

  /** Fails every waiter (member stopping). */
  public void failAll(RuntimeException error) {
    java.util.List<Waiter> all;
    synchronized (waiters) {
      all = java.util.List.copyOf(waiters);
      waiters.clear();
    }
    all.forEach(w -> w.future.completeExceptionally(error));
  }
}
