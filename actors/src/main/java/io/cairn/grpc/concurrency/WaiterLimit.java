package io.cairn.grpc.concurrency;

import io.cairn.member.EtcdError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds the Lock/Campaign calls waiting at once: each holds watches until its turn comes. Over the bound
 * a call fails fast with TOO_MANY_REQUESTS instead of piling up.
 */
final class WaiterLimit {
  static final int DEFAULT_MAX_WAITERS = 10_000;

  private final int maxWaiters;
  private final AtomicInteger waiting = new AtomicInteger();

  WaiterLimit(int maxWaiters) {
    this.maxWaiters = maxWaiters;
  }

  <T> CompletionStage<T> guard(Supplier<CompletionStage<T>> wait) {
    if (waiting.incrementAndGet() > maxWaiters) {
      waiting.decrementAndGet();
      return CompletableFuture.failedFuture(EtcdError.TOO_MANY_REQUESTS.exception());
    }
    CompletionStage<T> stage;
    try {
      stage = wait.get();
    } catch (RuntimeException e) {
      waiting.decrementAndGet();
      return CompletableFuture.failedFuture(e);
    }
    return stage.whenComplete((v, e) -> waiting.decrementAndGet());
  }

  int waiting() {
    return waiting.get();
  }
}
