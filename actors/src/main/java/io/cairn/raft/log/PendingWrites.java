package io.cairn.raft.log;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The completions of the writes in flight, oldest first, shared by the caller's thread (which registers)
 * and the journal actor (which completes). The journal completes writes in the order they were sent, so
 * completing the oldest keeps completions in call order; a failure fails every pending and later write.
 *
 * <p>Registering adds before it checks the failure, and failing sets the failure before it drains: one of
 * the two always sees the other, so no completion is left pending forever.
 */
final class PendingWrites {

  private final int maxPending;
  private final ConcurrentLinkedQueue<CompletableFuture<Void>> inFlight = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlightCount = new AtomicInteger();
  private final AtomicReference<RaftLogFailedException> failure = new AtomicReference<>();
  /** Caller's thread only: for no-op calls, which complete in order after everything before them. */
  private CompletableFuture<Void> lastRegistered = CompletableFuture.completedFuture(null);

  PendingWrites(int maxPending) {
    this.maxPending = maxPending;
  }

  int size() {
    return inFlightCount.get();
  }

  /** Before any mutation: a failed stage when the log failed; throws when too many writes are pending. */
  CompletionStage<Void> refusal() {
    RaftLogFailedException cause = failure.get();
    if (cause != null) {
      return CompletableFuture.failedFuture(cause);
    }
    if (inFlightCount.get() >= maxPending) {
      throw new IllegalStateException(
          "too many pending raft log writes (max " + maxPending + "): wait for earlier completions");
    }
    return null;
  }

  CompletableFuture<Void> register() {
    CompletableFuture<Void> completion = new CompletableFuture<>();
    inFlight.add(completion);
    inFlightCount.incrementAndGet();
    lastRegistered = completion;
    RaftLogFailedException cause = failure.get();
    if (cause != null) {
      drain(cause);
    }
    return completion;
  }

  /** Completes after every write registered so far (a no-op call). */
  CompletionStage<Void> afterLastRegistered() {
    RaftLogFailedException cause = failure.get();
    return cause != null ? CompletableFuture.failedFuture(cause) : lastRegistered.thenApply(done -> null);
  }

  /** Journal actor: the oldest write is durable. */
  void completeOldest(CompletableFuture<Void> expected) {
    CompletableFuture<Void> oldest = inFlight.poll();
    if (oldest != expected) {
      throw new IllegalStateException("raft log writes completed out of order");
    }
    inFlightCount.decrementAndGet();
    oldest.complete(null);
  }

  /** Journal actor: fails every pending write and, from now on, every new call. */
  void failAll(RaftLogFailedException cause) {
    failure.compareAndSet(null, cause);
    drain(failure.get());
  }

  private void drain(RaftLogFailedException cause) {
    CompletableFuture<Void> pending;
    while ((pending = inFlight.poll()) != null) {
      inFlightCount.decrementAndGet();
      pending.completeExceptionally(cause);
    }
  }
}
