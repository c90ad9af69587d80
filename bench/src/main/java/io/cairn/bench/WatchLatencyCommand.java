package io.cairn.bench;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.WatchCreateRequest;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.api.mvccpb.Event;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * etcd benchmark's {@code watch-latency}: {@code --streams} watch streams (over the connections) with
 * {@code --watchers-per-stream} watchers each on one key; {@code --total} puts to that key at {@code --rate}/s
 * from a separate connection. A sample is the time from a put being sent to one watcher receiving its event,
 * so there are total × watchers samples. Each put's value carries its sequence number, so an event is matched
 * to its put even when puts overlap. Events that have not arrived {@code --drain-timeout} ms after the last
 * put are counted as lost (the summary's {@code lost=}).
 */
@Command(name = "watch-latency", mixinStandardHelpOptions = true, description = "Benchmark watch latency")
final class WatchLatencyCommand implements Callable<Integer> {
  @ParentCommand BenchMain root;

  @Option(names = "--total", defaultValue = "1000", description = "Total number of puts. Default: ${DEFAULT-VALUE}")
  int total;

  @Option(names = "--rate", defaultValue = "100", description = "Puts per second (0: no limit). Default: ${DEFAULT-VALUE}")
  double rate;

  @Option(names = "--streams", defaultValue = "10", description = "Total watch streams. Default: ${DEFAULT-VALUE}")
  int streams;

  @Option(names = "--watchers-per-stream", defaultValue = "10",
      description = "Watchers per stream, all on the same key. Default: ${DEFAULT-VALUE}")
  int watchersPerStream;

  @Option(names = "--key-size", defaultValue = "32", description = "Key size. Default: ${DEFAULT-VALUE}")
  int keySize;

  @Option(names = "--val-size", defaultValue = "32", description = "Value size (at least 8). Default: ${DEFAULT-VALUE}")
  int valSize;

  @Option(names = "--drain-timeout", defaultValue = "10000",
      description = "Milliseconds to wait for outstanding events after the last put. Default: ${DEFAULT-VALUE}")
  long drainTimeoutMs;

  @Override
  public Integer call() throws Exception {
    root.validate();
    if (total < 1 || streams < 1 || watchersPerStream < 1 || keySize < 1 || valSize < 8 || rate < 0) {
      throw new IllegalArgumentException("--total, --streams, --watchers-per-stream must be positive, --val-size >= 8");
    }
    int watchers = streams * watchersPerStream;
    long expected = (long) total * watchers;
    ByteString key = ByteString.copyFrom(Keys.randomBytes(keySize, new java.util.Random()));
    byte[] padding = Keys.randomBytes(valSize, new java.util.Random());
    AtomicLongArray sentNanos = new AtomicLongArray(total);
    Report report = new Report();
    AtomicLong received = new AtomicLong();
    CountDownLatch allReceived = new CountDownLatch(1);
    AtomicReference<Throwable> streamError = new AtomicReference<>();
    CountDownLatch created = new CountDownLatch(watchers);
    AtomicBoolean closing = new AtomicBoolean();
    List<StreamObserver<WatchRequest>> requestStreams = new ArrayList<>();
    double elapsed;
    try (Connections conns = root.connect(); Progress progress = root.progress(expected)) {
      for (int s = 0; s < streams; s++) {
        StreamObserver<WatchResponse> events = new StreamObserver<>() {
          @Override
          public void onNext(WatchResponse r) {
            long now = System.nanoTime();
            if (r.getCreated()) created.countDown();
            for (Event e : r.getEventsList()) {
              if (e.getType() != Event.EventType.PUT) continue;
              int seq = (int) e.getKv().getValue().asReadOnlyByteBuffer().getLong();
              if (seq < 0 || seq >= total) continue;
              report.record(now - sentNanos.get(seq));
              progress.tick();
              if (received.incrementAndGet() == expected) allReceived.countDown();
            }
          }

          @Override
          public void onError(Throwable t) {
            if (closing.get()) return; // our own shutdown of the streams, not a failure
            streamError.compareAndSet(null, t);
            report.error(t);
          }

          @Override
          public void onCompleted() {}
        };
        StreamObserver<WatchRequest> requests = ClientCalls.asyncBidiStreamingCall(
            conns.forClient(s).newCall(EtcdMethods.WATCH, CallOptions.DEFAULT), events);
        for (int w = 0; w < watchersPerStream; w++) {
          requests.onNext(WatchRequest.newBuilder()
              .setCreateRequest(WatchCreateRequest.newBuilder().setKey(key)).build());
        }
        requestStreams.add(requests);
      }
      if (!created.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("watchers not created within 30 s (" + created.getCount() + " missing)"
            + (streamError.get() == null ? "" : ": " + streamError.get().getMessage()));
      }
      // Puts come from a connection of their own, as in etcd's benchmark.
      String putTarget = conns.targets().get(0);
      ManagedChannel putChannel = Connections.channel(putTarget);
      Report putReport = new Report();
      long start = System.nanoTime();
      try {
        new LoadDriver(1, total, rate, putReport, new Progress(0, false)).run((client, seq, done) -> {
          ByteBuffer value = ByteBuffer.allocate(valSize);
          value.putLong(seq).put(padding, 0, valSize - 8).flip();
          PutRequest req = PutRequest.newBuilder().setKey(key).setValue(ByteString.copyFrom(value)).build();
          sentNanos.set((int) seq, System.nanoTime());
          LoadDriver.unary(putChannel, EtcdMethods.PUT, req, done);
        });
        allReceived.await(drainTimeoutMs, TimeUnit.MILLISECONDS);
        elapsed = (System.nanoTime() - start) / 1e9;
      } finally {
        closing.set(true);
        putChannel.shutdownNow();
        for (StreamObserver<WatchRequest> r : requestStreams) {
          try {
            r.onCompleted();
          } catch (RuntimeException ignored) {
            // The stream already failed.
          }
        }
      }
      if (putReport.errorCount() > 0) report.put("put_errors", Long.toString(putReport.errorCount()));
    }
    Map<String, String> settings = root.settings();
    settings.put("total", Integer.toString(total));
    settings.put("watchers", Integer.toString(watchers));
    settings.put("streams", Integer.toString(streams));
    long lost = expected - Math.min(expected, received.get());
    report.put("lost", Long.toString(lost));
    System.out.print(report.format("watch-latency", settings, elapsed));
    System.out.flush();
    return lost == 0 && report.successes() > 0 ? 0 : 1;
  }
}
