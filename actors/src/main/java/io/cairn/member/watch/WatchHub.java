package io.cairn.member.watch;

import akka.NotUsed;
import akka.stream.ActorAttributes;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.etcdserverpb.WatchCreateRequest;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.api.mvccpb.Event;
import io.cairn.member.EtcdError;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Fans applied events out to watchers: synced watchers get them from {@link #publish} through bounded
 * buffers; a watcher that falls behind (or starts in the past) is unsynced and catches up from the store
 * (etcd's synced/unsynced watcher groups). {@link #publish} never blocks the apply path.
 */
public final class WatchHub {
  /** Watch streams read the store (catch-up pages, prev_kv): keep them off the default dispatcher. */
  private static final String STREAM_DISPATCHER = "akka.stream.materializer.blocking-io-dispatcher";

  private final WatchHistory history;
  private final WatchSettings settings;
  private final WatchRegistry registry;

  /** Built by the member before the applier starts; reads history from {@code store}. */
  public WatchHub(io.cairn.persistence.mvcc.MvccStore store, akka.actor.typed.ActorSystem<?> system) {
    this(new MvccWatchHistory(store), WatchSettings.fromConfig(system.settings().config()));
  }

  /** A hub over any history (tests use an in-memory one), with explicit bounds and timers. */
  public WatchHub(WatchHistory history, WatchSettings settings) {
    this.history = history;
    this.settings = settings;
    this.registry = new WatchRegistry(history);
  }

  /** Called by the applier after each committed batch: its events in revision order, and the store revision. */
  public void publish(List<Event> events, long revision) {
    registry.publish(events, revision);
  }

  /**
   * Called by the applier after the store was replaced by a snapshot at {@code revision}: watchers catch up
   * from the new store (see {@link WatchRegistry#restored}); nothing is published for the skipped revisions.
   */
  public void restored(long revision) {
    registry.restored(revision);
  }

  /**
   * One etcd Watch RPC stream: WatchRequests in, WatchResponses out (see WatchService). {@code headerAt}
   * builds the response header for a revision; fragmenting watchers split responses at
   * {@code maxResponseBytes} (etcd: --max-request-bytes). Cancelling the output removes its watchers.
   */
  public Flow<WatchRequest, WatchResponse, NotUsed> watchStream(
      LongFunction<ResponseHeader> headerAt, long maxResponseBytes) {
    return Flow.fromGraph(new WatchStreamStage(registry, history, settings, headerAt, maxResponseBytes))
        .withAttributes(ActorAttributes.dispatcher(STREAM_DISPATCHER));
  }

  /**
   * An internal watcher for server-side users (Lock, Election): the events on [key, rangeEnd) from
   * startRevision on (0: from now), in revision order, each exactly once; fails with an EtcdException
   * (COMPACTED) when startRevision is compacted. Cancelled by cancelling the stream.
   */
  public Source<Event, NotUsed> events(ByteString key, ByteString rangeEnd, long startRevision) {
    WatchRequest create =
        WatchRequest.newBuilder()
            .setCreateRequest(
                WatchCreateRequest.newBuilder().setKey(key).setRangeEnd(rangeEnd).setStartRevision(startRevision))
            .build();
    return Source.single(create)
        .concat(Source.<WatchRequest>maybe())
        .via(watchStream(rev -> ResponseHeader.newBuilder().setRevision(rev).build(), Long.MAX_VALUE))
        .mapConcat(
            response -> {
              if (response.getCompactRevision() != 0) {
                throw EtcdError.COMPACTED.exception();
              }
              if (response.getCanceled()) {
                throw new IllegalArgumentException(response.getCancelReason());
              }
              return response.getEventsList();
            });
  }
}
