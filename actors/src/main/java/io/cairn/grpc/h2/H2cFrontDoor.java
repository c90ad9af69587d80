package io.cairn.grpc.h2;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.japi.function.Function;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;

/**
 * An h2c listener that fixes scheme-prefixed :authority values before Akka HTTP parses them.
 *
 * <p>Akka HTTP 10.2.10 has no public way to hand it a connection's bytes for HTTP/2 (its server stack is
 * akka.http.impl), so the Akka HTTP server binds an ephemeral loopback port and this listener forwards each accepted
 * connection to it through {@link AuthorityRewriter}; the server-to-client direction is untouched. Costs one loopback
 * hop per connection, and the server sees the proxy's address as the peer (Cairn does not use it).
 */
public final class H2cFrontDoor {
  private H2cFrontDoor() {}

  public static CompletionStage<ServerBinding> bind(
      String host, int port, Function<HttpRequest, CompletionStage<HttpResponse>> handler, ActorSystem<?> system) {
    return Http.get(system)
        .newServerAt("127.0.0.1", 0)
        .bind(handler)
        .thenCompose(inner -> front(host, port, inner, system));
  }

  /** The client side of each connection: rewritten on the way in, answered by the loopback Akka HTTP server. */
  public static Flow<ByteString, ByteString, NotUsed> rewriting(InetSocketAddress server, ActorSystem<?> system) {
    return Flow.of(ByteString.class)
        .statefulMapConcat(
            () -> {
              AuthorityRewriter rewriter = new AuthorityRewriter();
              return chunk -> {
                ByteString out = rewriter.feed(chunk);
                return out.isEmpty() ? List.of() : List.of(out);
              };
            })
        .via(Tcp.get(system).outgoingConnection(server.getHostString(), server.getPort()))
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
  }

  private static CompletionStage<ServerBinding> front(String host, int port, ServerBinding inner, ActorSystem<?> system) {
    Flow<ByteString, ByteString, NotUsed> perConnection = rewriting(inner.localAddress(), system);
    CompletionStage<Tcp.ServerBinding> outer =
        Tcp.get(system)
            .bind(host, port)
            .to(Sink.foreach(connection -> connection.handleWith(perConnection, system)))
            .run(system);
    return outer
        .<ServerBinding>thenApply(tcp -> combined(tcp, inner))
        .exceptionallyCompose(
            failure -> inner.unbind().thenCompose(done -> CompletableFuture.failedFuture(failure)));
  }

  /** One binding for the caller: the public address, and unbinding/terminating releases both ports. */
  private static ServerBinding combined(Tcp.ServerBinding tcp, ServerBinding inner) {
    scala.Function0<Future<BoxedUnit>> unbind =
        () -> FutureConverters.asScala(tcp.unbind().thenCompose(done -> inner.unbind()).thenApply(done -> BoxedUnit.UNIT));
    scala.Function1<scala.concurrent.duration.FiniteDuration, Future<akka.http.scaladsl.Http.HttpTerminated>> terminate =
        deadline ->
            FutureConverters.asScala(
                tcp.unbind()
                    .thenCompose(done -> inner.terminate(Duration.ofNanos(deadline.toNanos())))
                    .thenApply(t -> (akka.http.scaladsl.Http.HttpTerminated) t));
    return new ServerBinding(new akka.http.scaladsl.Http.ServerBinding(tcp.localAddress(), unbind, terminate));
  }
}
