package io.cairn.launcher.grpcproxy;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.grpc.javadsl.Metadata;
import akka.stream.Materializer;
import akka.stream.javadsl.Source;
import io.cairn.api.etcdserverpb.WatchClient;
import io.cairn.api.etcdserverpb.WatchPowerApi;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;

/**
 * Watch with etcd 3.4's coalescing (proxy/grpcproxy/watch*.go): client watchers (c-watchers) on the same key or
 * range, forwarding the same metadata, share one member watcher (s-watcher) whose every response is broadcast to
 * them, each getting it under its own watch id and with its own options (prev_kv, filters, progress_notify).
 * {@link WatchProxyStream} is a client stream, {@link ClientWatcher} a c-watcher, {@link WatchBroadcast} an
 * s-watcher, {@link WatchBroadcasts} the s-watchers of one range, {@link WatchRanges} all of them. Keys go through
 * the {@link Namespace} on the way in and out. Every client stream has a bounded queue, so a client that does not
 * read has its own stream ended and never holds up the member watcher or the other clients.
 *
 * <p>As the operator guide says of etcd's, the revision in a created response (for a watcher that joins a running
 * s-watcher) and in a cancel response is the s-watcher's last one, which may be a little behind the member's; no
 * event is skipped or repeated.
 */
final class WatchProxy implements WatchPowerApi {
  private final WatchRanges ranges;
  private final Namespace ns;
  private final int maxUnsent;
  private final Materializer mat;

  WatchProxy(WatchClient client, Namespace ns, ActorSystem<?> system) {
    this(new WatchRanges((requests, md) -> CallMetadata.forward(client.watch(), md).invoke(requests),
        Materializer.matFromSystem(system)), ns, WatchProxyStream.MAX_UNSENT);
  }

  /** {@code maxUnsent}: responses a client stream may leave unread before it is ended. */
  WatchProxy(WatchRanges ranges, Namespace ns, int maxUnsent) {
    this.ranges = ranges;
    this.ns = ns;
    this.maxUnsent = maxUnsent;
    this.mat = ranges.mat;
  }

  @Override
  public Source<WatchResponse, NotUsed> watch(Source<WatchRequest, NotUsed> in, Metadata md) {
    return Source.<WatchResponse>queue(maxUnsent)
        .mapMaterializedValue(out -> {
          WatchProxyStream stream = new WatchProxyStream(out, maxUnsent, ranges, md, ns);
          stream.start(in, mat);
          return stream;
        })
        .watchTermination((stream, done) -> {
          done.whenComplete((ok, failure) -> stream.close());
          return NotUsed.getInstance();
        })
        .map(ns::out);
  }
}
