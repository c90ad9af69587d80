package io.cairn.grpc.h2;

import akka.Done;
import akka.NotUsed;
import akka.actor.ActorSystem;
import akka.event.LoggingAdapter;
import akka.http.impl.engine.HttpConnectionIdleTimeoutBidi$;
import akka.http.impl.engine.http2.Http2$;
import akka.http.impl.engine.http2.Http2Blueprint$;
import akka.http.impl.engine.server.GracefulTerminatorStage$;
import akka.http.impl.engine.server.MasterServerTerminator;
import akka.http.impl.engine.server.ServerTerminator;
import akka.http.scaladsl.Http$;
import akka.http.scaladsl.HttpExt;
import akka.http.scaladsl.model.HttpRequest;
import akka.http.scaladsl.model.HttpResponse;
import akka.http.scaladsl.settings.ServerSettings;
import akka.japi.function.Function;
import akka.stream.Materializer;
import akka.stream.TLSProtocol;
import akka.stream.scaladsl.Flow;
import akka.stream.scaladsl.Keep$;
import akka.stream.scaladsl.Tcp;
import akka.util.ByteString;
import java.util.concurrent.CompletionStage;
import scala.Option;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.FutureConverters;

/**
 * Akka HTTP's server (HTTP/2 by prior knowledge, else HTTP/1.1) run on a byte stream this package hands it, so the
 * h2c front door can rewrite a connection's bytes and serve them in the same stream instead of forwarding them to an
 * Akka HTTP listener over a second loopback TCP connection.
 *
 * <p>Akka HTTP 10.2.10 has no public API for this: its Http2Ext.bindAndHandleAsync builds exactly these layers and
 * joins them straight to the accepted TCP connection. This class builds the same layers from the same internal
 * (Scala {@code private[http]}, public in bytecode) parts. Akka HTTP stays pinned at 10.2.10, the last Apache-2.0
 * release, so these parts cannot move under it. What the loopback hop cost is in the README's benchmark findings.
 */
final class InProcessHttpServer {
  private final ActorSystem system;
  private final ServerSettings settings;
  private final Flow<ByteString, ByteString, Future<ServerTerminator>> layers;
  private final MasterServerTerminator terminator;

  InProcessHttpServer(ActorSystem system, Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    // akka.japi.function.Function may throw: a throwing handler fails that request only, as in Akka HTTP's Java API.
    java.util.function.Function<HttpRequest, CompletionStage<HttpResponse>> respond = request -> {
      try {
        return handler.apply(request);
      } catch (Exception e) {
        return java.util.concurrent.CompletableFuture.failedFuture(e);
      }
    };
    this.system = system;
    this.settings = (ServerSettings) akka.http.javadsl.settings.ServerSettings.create(system);
    LoggingAdapter log = system.log();
    this.terminator = new MasterServerTerminator(log);
    HttpExt http = (HttpExt) Http$.MODULE$.get(system);
    ExecutionContext dispatcher = system.dispatcher();
    scala.Function1<HttpRequest, Future<HttpResponse>> scalaHandler =
        request -> FutureConverters.asScala(respond.apply(request));
    // Http2Ext.bindAndHandleAsync's two implementations, as it builds them:
    Flow<TLSProtocol.SslTlsInbound, TLSProtocol.SslTlsOutbound, ServerTerminator> http1 =
        akka.stream.javadsl.Flow.of(HttpRequest.class)
            .mapAsync(settings.pipeliningLimit(), respond::apply)
            .asScala()
            .joinMat(
                GracefulTerminatorStage$.MODULE$.apply(system, settings)
                    .atop(http.serverLayer(settings, Option.empty(), log, false)),
                Keep$.MODULE$.right());
    Flow<TLSProtocol.SslTlsInbound, TLSProtocol.SslTlsOutbound, ServerTerminator> http2 =
        Http2Blueprint$.MODULE$
            .handleWithStreamIdHeader(settings.http2Settings().maxConcurrentStreams(), scalaHandler, dispatcher)
            .joinMat(
                Http2Blueprint$.MODULE$.serverStackTls(
                    settings, log, Http2$.MODULE$.get(system).telemetry(), http.dateHeaderRendering()),
                Keep$.MODULE$.right());
    this.layers = Http2$.MODULE$.priorKnowledge(http1, http2);
  }

  ServerSettings settings() {
    return settings;
  }

  /**
   * Serves one accepted connection: its incoming bytes go through {@code inbound} (the rewriter), then the HTTP
   * layers; the connection's idle timeout and graceful termination as Akka HTTP's own listener has them. Completes
   * when the connection ends.
   */
  CompletionStage<Done> serve(
      Tcp.IncomingConnection connection, Flow<ByteString, ByteString, NotUsed> inbound, Materializer mat) {
    ExecutionContext ec = mat.executionContext();
    scala.Function2<Future<ServerTerminator>, Future<Done>, Future<Done>> registered =
        (connectionTerminator, finished) -> {
          // As Http2Ext: every live connection is known to the terminator, and forgotten when it ends.
          connectionTerminator.foreach(
              t -> {
                terminator.registerConnection(t, ec);
                finished.onComplete(ignored -> {
                  terminator.removeConnection(t);
                  return null;
                }, ec);
                return null;
              },
              ec);
          return finished;
        };
    @SuppressWarnings("unchecked")
    Flow<ByteString, ByteString, Future<Done>> watched = (Flow<ByteString, ByteString, Future<Done>>) inbound
        .viaMat(layers.addAttributes(Http$.MODULE$.prepareAttributes(settings, connection)), Keep$.MODULE$.right())
        .watchTermination(registered);
    Future<Done> finished = watched
        .join(HttpConnectionIdleTimeoutBidi$.MODULE$.apply(settings.timeouts().idleTimeout(), Option.apply(connection.remoteAddress()))
            .join(connection.flow()))
        .addAttributes(Http$.MODULE$.cancellationStrategyAttributeForDelay(settings.streamCancellationDelay()))
        .run(mat);
    // A connection failing ends only that connection (Akka HTTP ignores these too, akka/akka#17992).
    return FutureConverters.asJava(finished).exceptionally(error -> Done.getInstance());
  }

  /** Akka HTTP's graceful termination of every connection served, within the deadline. */
  CompletionStage<akka.http.scaladsl.Http.HttpTerminated> terminate(FiniteDuration deadline) {
    return FutureConverters.asJava(terminator.terminate(deadline, system.dispatcher()));
  }
}
