package io.cairn.member;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Linearizable reads, batched as etcd's linearizableReadLoop: one ReadIndex round serves every read that
 * arrived before it was sent; reads arriving while a round is out wait for the next one (an index taken
 * before they arrived could miss a commit made before they arrived). Each read then waits for the applied
 * index to reach its round's commit index.
 *
 * <p>Bounded: at most {@code maxWaitingReads} reads wait for the next round (each round is itself bounded in
 * time by the ReadIndex request's timeout); beyond that a read fails at once with "etcdserver: too many
 * requests", as proposals beyond their bound do.
 */
public final class ReadIndexBatcher {
  private final Supplier<CompletionStage<Long>> readIndex;
  private final AppliedIndex applied;
  private final int maxWaitingReads;
  private List<CompletableFuture<Void>> nextRound = new ArrayList<>();
  private boolean roundOut;

  public ReadIndexBatcher(Supplier<CompletionStage<Long>> readIndex, AppliedIndex applied, int maxWaitingReads) {
    if (maxWaitingReads < 1) {
      throw new IllegalArgumentException("maxWaitingReads must be positive");
    }
    this.readIndex = readIndex;
    this.applied = applied;
    this.maxWaitingReads = maxWaitingReads;
  }

  public CompletableFuture<Void> read() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (this) {
      if (nextRound.size() >= maxWaitingReads) {
        return CompletableFuture.failedFuture(EtcdError.TOO_MANY_REQUESTS.exception());
      }
      nextRound.add(f);
      if (!roundOut) {
        startRound();
      }
    }
    return f;
  }

  /** Called with the lock held. */
  private void startRound() {
    List<CompletableFuture<Void>> round = nextRound;
    nextRound = new ArrayList<>();
    roundOut = true;
    CompletionStage<Long> index;
    try {
      index = readIndex.get();
    } catch (RuntimeException e) {
      index = CompletableFuture.failedFuture(e);
    }
    index.whenComplete(
        (commitIndex, error) -> {
          if (error != null) {
            round.forEach(f -> f.completeExceptionally(error));
          } else {
            applied.await(commitIndex).whenComplete((v, e) -> round.forEach(f -> f.complete(null)));
          }
          synchronized (this) {
            roundOut = false;
            if (!nextRound.isEmpty()) {
              startRound();
            }
          }
        });
  }
}
