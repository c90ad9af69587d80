package io.cairn.member;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReadIndexBatcherTest {

  @Test
  void oneRoundServesTheWaitersBeforeItAndLaterOnesWaitForTheNext() {
    List<CompletableFuture<Long>> rounds = new ArrayList<>();
    AppliedIndex applied = new AppliedIndex(5);
    ReadIndexBatcher reads = new ReadIndexBatcher(() -> {
      CompletableFuture<Long> f = new CompletableFuture<>();
      rounds.add(f);
      return f;
    }, applied, 100);

    CompletableFuture<Void> first = reads.read();
    CompletableFuture<Void> second = reads.read(); // arrives while round 1 is out
    CompletableFuture<Void> third = reads.read();
    assertEquals(1, rounds.size());

    rounds.get(0).complete(7L); // commit index 7, applied 5: first waits for apply
    assertFalse(first.isDone());
    assertEquals(2, rounds.size()); // second and third share round 2
    applied.advance(7);
    assertTrue(first.isDone());
    assertFalse(second.isDone());
    rounds.get(1).complete(7L);
    assertTrue(second.isDone() && third.isDone());
    assertEquals(2, rounds.size());
  }

  @Test
  void readsBeyondTheBoundFailAtOnceWithTooManyRequests() {
    CompletableFuture<Long> outstanding = new CompletableFuture<>();
    ReadIndexBatcher reads = new ReadIndexBatcher(() -> outstanding, new AppliedIndex(0), 2);
    CompletableFuture<Void> inRound = reads.read(); // sent at once: not counted against the next round
    CompletableFuture<Void> a = reads.read();
    CompletableFuture<Void> b = reads.read();
    CompletableFuture<Void> refused = reads.read();
    ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(1, TimeUnit.SECONDS));
    assertEquals(EtcdError.TOO_MANY_REQUESTS, ((EtcdException) e.getCause()).error());
    assertFalse(inRound.isDone() || a.isDone() || b.isDone());
  }
}
