package io.cairn.launcher.grpcproxy;

import akka.NotUsed;
import akka.japi.Pair;
import akka.stream.ClosedShape;
import akka.stream.Materializer;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.GraphDSL;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.MergeHub;
import akka.stream.javadsl.RunnableGraph;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.cairn.api.etcdserverpb.LeaseKeepAliveRequest;
import io.cairn.api.etcdserverpb.LeaseKeepAliveResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One member LeaseKeepAlive stream shared by client streams (etcd's s-stream): a MergeHub of their requests, the
 * {@link KeepAliveRouter}, and the member call. Its attached clients are kept by {@link LeaseKeepAliveHub}.
 */
final class KeepAliveUpstream {
  /** Requests a client may have in the hub before it is back-pressured (HTTP/2 flow control then slows it). */
  static final int PER_CLIENT_REQUEST_BUFFER = 16;

  final Sink<KeepAliveRouter.Event, NotUsed> requests;
  final KeepAliveRouter.Control control;
  /** Guarded by the hub: touched only inside its map's compute for this upstream's key. */
  final Set<KeepAliveClient> clients = new HashSet<>();

  /**
   * Opens the member stream now. {@code member}: the member call for a stream of requests. {@code onEnd}: called
   * once when the member stream ends, with its failure or null.
   */
  KeepAliveUpstream(Function<Source<LeaseKeepAliveRequest, NotUsed>, Source<LeaseKeepAliveResponse, NotUsed>> member,
      int maxWaiting, BiConsumer<KeepAliveUpstream, Throwable> onEnd, Materializer mat) {
    // the member call takes a Source and gives one: prefixAndTail(0) turns it into a Flow for the graph below
    Flow<LeaseKeepAliveRequest, LeaseKeepAliveResponse, NotUsed> call = Flow.<LeaseKeepAliveRequest>create()
        .prefixAndTail(0)
        .flatMapConcat(noPrefixAndTail -> member.apply(noPrefixAndTail.second()));
    KeepAliveRouter router = new KeepAliveRouter(maxWaiting, failure -> onEnd.accept(this, failure));
    Pair<Sink<KeepAliveRouter.Event, NotUsed>, KeepAliveRouter.Control> running = RunnableGraph.fromGraph(
        GraphDSL.create(MergeHub.of(KeepAliveRouter.Event.class, PER_CLIENT_REQUEST_BUFFER), router, Keep.both(),
            (b, hub, route) -> {
              b.from(hub).toInlet(route.in0());
              b.from(route.out()).via(b.add(call)).toInlet(route.in1());
              return ClosedShape.getInstance();
            }))
        .run(mat);
    requests = running.first();
    control = running.second();
  }
}
