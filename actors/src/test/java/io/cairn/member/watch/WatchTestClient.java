package io.cairn.member.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.SinkQueueWithCancel;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.WatchCancelRequest;
import io.cairn.api.etcdserverpb.WatchCreateRequest;
import io.cairn.api.etcdserverpb.WatchProgressRequest;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A watch stream driven from a test: requests offered, responses pulled one at a time with a deadline. */
public final class WatchTestClient implements AutoCloseable {
  public static final long TIMEOUT_SECONDS = 10;

  private final BoundedSourceQueue<WatchRequest> requests;
  private final SinkQueueWithCancel<WatchResponse> responses;

  public WatchTestClient(
      Function<Source<WatchRequest, NotUsed>, Source<WatchResponse, NotUsed>> rpc, ActorSystem<?> system) {
    Pair<BoundedSourceQueue<WatchRequest>, Source<WatchRequest, NotUsed>> in =
        Source.<WatchRequest>queue(64).preMaterialize(system);
    this.requests = in.first();
    this.responses = rpc.apply(in.second()).toMat(Sink.queue(), Keep.right()).run(system);
  }

  public void send(WatchRequest request) {
    assertEquals(QueueOfferResult.enqueued(), requests.offer(request));
  }

  public void send(WatchCreateRequest.Builder create) {
    send(WatchRequest.newBuilder().setCreateRequest(create).build());
  }

  public void cancel(long watchId) {
    send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(watchId)).build());
  }

  public void requestProgress() {
    send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
  }

  /** The next response; fails the test if none comes within the deadline or the stream ended. */
  public WatchResponse next() {
    try {
      Optional<WatchResponse> r = responses.pull().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertTrue(r.isPresent(), "watch stream ended");
      return r.get();
    } catch (Exception e) {
      throw new AssertionError("no watch response within " + TIMEOUT_SECONDS + "s", e);
    }
  }

  /** Creates a watcher and returns its created response. */
  public WatchResponse create(WatchCreateRequest.Builder create) {
    send(create);
    WatchResponse created = next();
    assertTrue(created.getCreated(), "expected a created response, got " + created);
    return created;
  }

  public static WatchCreateRequest.Builder watchKey(String key) {
    return WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8(key));
  }

  public static WatchCreateRequest.Builder watchRange(String key, String end) {
    return watchKey(key).setRangeEnd(ByteString.copyFromUtf8(end));
  }

  @Override
  public void close() {
    responses.cancel();
  }
}
