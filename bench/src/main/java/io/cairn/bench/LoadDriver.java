package io.cairn.bench;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives {@code total} requests from {@code clients} concurrent clients, each with one request outstanding
 * (a closed loop, as etcd's benchmark clients), optionally capped at {@code rate} requests per second over
 * all clients. A client issues its next request from the completion callback of the previous one, so no
 * thread per client is needed. Latency runs from the moment a request is sent to its completion.
 */
final class LoadDriver {

  /** One asynchronous request of client {@code client}; calls {@code done} exactly once. */
  interface Op {
    void start(int client, long seq, Done done);
  }

  interface Done {
    void complete(Throwable errorOrNull);
  }

  /** Sends one unary call; done completes with its outcome (the benchmark needs no response body). */
  static <Q, R> void unary(Channel channel, MethodDescriptor<Q, R> method, Q request, Done done) {
    ClientCalls.asyncUnaryCall(channel.newCall(method, CallOptions.DEFAULT), request, new StreamObserver<R>() {
      @Override
      public void onNext(R value) {}

      @Override
      public void onError(Throwable t) {
        done.complete(t);
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    });
  }

  private final int clients;
  private final long total;
  private final RateLimit limit;
  private final Report report;
  private final Progress progress;
  private final AtomicLong issued = new AtomicLong();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bench-scheduler");
    t.setDaemon(true);
    return t;
  });

  LoadDriver(int clients, long total, double rate, Report report, Progress progress) {
    this.clients = clients;
    this.total = total;
    this.limit = new RateLimit(rate);
    this.report = report;
    this.progress = progress;
  }

  /** Runs all requests; returns the elapsed seconds. */
  double run(Op op) throws InterruptedException {
    CountDownLatch finished = new CountDownLatch(clients);
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      int client = c;
      scheduler.execute(() -> next(op, client, finished));
    }
    finished.await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    scheduler.shutdownNow();
    return elapsed;
  }

  private void next(Op op, int client, CountDownLatch finished) {
    long seq = issued.getAndIncrement();
    if (seq >= total) {
      finished.countDown();
      return;
    }
    long delay = limit.reserveDelayNanos();
    if (delay > 0) {
      scheduler.schedule(() -> send(op, client, seq, finished), delay, TimeUnit.NANOSECONDS);
    } else {
      send(op, client, seq, finished);
    }
  }

  private void send(Op op, int client, long seq, CountDownLatch finished) {
    long sent = System.nanoTime();
    try {
      op.start(client, seq, error -> {
        if (error == null) {
          report.record(System.nanoTime() - sent);
        } else {
          report.error(error);
        }
        progress.tick();
        // Errors may complete on the calling thread; hop through the scheduler so a run of fast failures
        // cannot recurse without bound.
        if (error == null) {
          next(op, client, finished);
        } else {
          scheduler.execute(() -> next(op, client, finished));
        }
      });
    } catch (RuntimeException e) {
      report.error(e);
      progress.tick();
      scheduler.execute(() -> next(op, client, finished));
    }
  }

  /** Evenly spaced send slots at {@code rate}/s (0: unlimited). */
  static final class RateLimit {
    private final long intervalNanos;
    private long nextNanos;

    RateLimit(double rate) {
      this.intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
    }

    synchronized long reserveDelayNanos() {
      if (intervalNanos == 0) return 0;
      long now = System.nanoTime();
      if (nextNanos - now < 0) nextNanos = now;
      long delay = nextNanos - now;
      nextNanos += intervalNanos;
      return delay;
    }
  }
}
