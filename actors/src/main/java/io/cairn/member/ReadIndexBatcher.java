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
 */
public final class ReadIndexBatcher {
  private final Supplier<CompletionStage<Long>> readIndex;
  private final AppliedIndex applied;
  private List<CompletableFuture<Void>> nextRound = new ArrayList<>();
  private boolean roundOut;

  public ReadIndexBatcher(Supplier<CompletionStage<Long>> readIndex, AppliedIndex applied) {
    this.readIndex = readIndex;
    this.applied = applied;
  }

  public CompletableFuture<Void> read() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (this) {
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
