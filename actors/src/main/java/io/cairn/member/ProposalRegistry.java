package io.cairn.member;

import com.google.protobuf.Message;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Proposals waiting to be applied, by request ID (etcd's pkg/wait). Bounded: beyond {@code maxInFlight}
 * a proposal is refused with TOO_MANY_REQUESTS (etcd refuses once committed − applied exceeds 5000; a
 * bound on waiters has the same effect here, since every waiter is a not-yet-applied proposal). A waiter
 * expires after {@code timeout} with TIMEOUT (etcd: request timeout 5 s + 2 × election timeout); the
 * proposal may still be applied later, but is answered at most once.
 *
 * <p>Expiry is a periodic sweep over the waiters, not a timer per waiter: a timer per proposal woke the
 * timer thread once per proposal (each new timer was the earliest), a context switch on the write path
 * for a deadline that is almost never reached. The sweep runs every {@code timeout / 5}, at most every
 * 100 ms, and visits at most {@code maxInFlight} map entries, so a waiter expires up to one period late.
 */
public final class ProposalRegistry implements AutoCloseable {

  private record Waiter(CompletableFuture<Message> future, long deadlineNanos) {}

  /** The longest a sweep waits: a 5 s+ request timeout may be answered up to this late. */
  private static final long MAX_SWEEP_PERIOD_MS = 100;

  private final Map<Long, Waiter> waiters = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Waiters that expired unanswered (etcd_server_proposals_failed_total). */
  private final LongAdder timedOut = new LongAdder();
  private final int maxInFlight;
  private final long timeoutMs;
  private final ScheduledThreadPoolExecutor timer;

  public ProposalRegistry(int maxInFlight, Duration timeout) {
    this.maxInFlight = maxInFlight;
    this.timeoutMs = timeout.toMillis();
    long sweepPeriodMs = Math.max(1, Math.min(MAX_SWEEP_PERIOD_MS, timeoutMs / 5));
    this.timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "cairn-proposal-timeouts");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::expireOverdue, sweepPeriodMs, sweepPeriodMs, TimeUnit.MILLISECONDS);
  }

  /** etcd's default request timeout (5 s) plus two election timeouts, as etcd's ReqTimeout(). */
  public static Duration requestTimeout(long electionTimeoutMs) {
    return Duration.ofMillis(5000 + 2 * electionTimeoutMs);
  }

  /**
   * Registers a waiter for {@code id}.
   *
   * @throws EtcdException TOO_MANY_REQUESTS when {@code maxInFlight} proposals are already waiting
   */
  public CompletableFuture<Message> register(long id) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      throw EtcdError.TOO_MANY_REQUESTS.exception();
    }
    CompletableFuture<Message> future = new CompletableFuture<>();
    long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    if (waiters.putIfAbsent(id, new Waiter(future, deadlineNanos)) != null) {
      inFlight.decrementAndGet();
      throw new IllegalStateException("duplicate request id " + Long.toHexString(id));
    }
    return future;
  }

  /** Answers the waiter for {@code id}, if any still waits. */
  public void complete(long id, Message response) {
    Waiter w = remove(id);
    if (w != null) {
      w.future.complete(response);
    }
  }

  public void fail(long id, Throwable error) {
    Waiter w = remove(id);
    if (w != null) {
      w.future.completeExceptionally(error);
    }
  }

  private void expireOverdue() {
    long now = System.nanoTime();
    waiters.forEach((id, waiter) -> {
      if (now - waiter.deadlineNanos >= 0 && waiters.remove(id, waiter)) {
        inFlight.decrementAndGet();
        timedOut.increment();
        waiter.future.completeExceptionally(EtcdError.TIMEOUT.exception());
      }
    });
  }


  /** Fails every waiter, e.g. with STOPPED when the member shuts down. */
  public void failAll(EtcdError error) {
    waiters.keySet().forEach(id -> fail(id, error.exception()));
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** Proposals that expired before they were applied, since the member started. */
  public long timedOut() {
    return timedOut.sum();
  }

  private Waiter remove(long id) {
    Waiter w = waiters.remove(id);
    if (w != null) {
      inFlight.decrementAndGet();
    }
    return w;
  }

  @Override
  public void close() {
    failAll(EtcdError.STOPPED);
    timer.shutdownNow();
  }
}
