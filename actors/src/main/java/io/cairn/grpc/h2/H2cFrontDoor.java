package io.cairn.grpc.h2;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.scaladsl.settings.ServerSettings;
import akka.japi.function.Function;
import akka.stream.Materializer;
import akka.stream.scaladsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.scaladsl.Tcp;
import akka.util.ByteString;
import java.util.List;
import java.util.concurrent.CompletionStage;
import scala.concurrent.Future;
import scala.concurrent.duration.Duration;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;

/**
 * An h2c listener that fixes scheme-prefixed :authority values before Akka HTTP parses them.
 *
 * <p>etcd 3.4 clients send ":authority: http://host:port", which Akka HTTP 10.2.10's HPACK layer refuses. Each
 * accepted connection's bytes go through {@link AuthorityRewriter} and then straight into Akka HTTP's server layers
 * ({@link InProcessHttpServer}) in the same stream; the server-to-client direction is untouched.
 */
public final class H2cFrontDoor {
  private H2cFrontDoor() {}

  public static CompletionStage<ServerBinding> bind(
      String host, int port, Function<HttpRequest, CompletionStage<HttpResponse>> handler, ActorSystem<?> system) {
    akka.actor.ActorSystem classic = Adapter.toClassic(system);
    InProcessHttpServer server = new InProcessHttpServer(
        classic, request -> handler.apply(request).thenApply(response -> (akka.http.scaladsl.model.HttpResponse) response));
    ServerSettings settings = server.settings();
    Materializer mat = Materializer.matFromSystem(system);
    // As Akka HTTP's own listener: no TCP-level idle timeout (the HTTP layers have theirs), and at most
    // max-connections served at once (accepting waits for one to end).
    Future<Tcp.ServerBinding> tcp =
        Tcp.get(classic)
            .bind(host, port, settings.backlog(), settings.socketOptions(), false, Duration.Inf())
            .asJava()
            .mapAsyncUnordered(settings.maxConnections(), connection -> server.serve(connection, rewriting(), mat))
            .to(Sink.ignore())
            .run(mat);
    return FutureConverters.asJava(tcp).thenApply(binding -> combined(binding, server));
  }

  /** A connection's incoming bytes with every :authority fixed. */
  private static Flow<ByteString, ByteString, NotUsed> rewriting() {
    return akka.stream.javadsl.Flow.of(ByteString.class)
        .statefulMapConcat(
            () -> {
              AuthorityRewriter rewriter = new AuthorityRewriter();
              return chunk -> {
                ByteString out = rewriter.feed(chunk);
                return out.isEmpty() ? List.of() : List.of(out);
              };
            })
        .asScala();
  }

  /** The caller's binding: unbinding stops accepting; terminating also ends the connections, as Akka HTTP's. */
  private static ServerBinding combined(Tcp.ServerBinding tcp, InProcessHttpServer server) {
    scala.Function0<Future<BoxedUnit>> unbind = () -> tcp.unbind();
    scala.Function1<FiniteDuration, Future<akka.http.scaladsl.Http.HttpTerminated>> terminate =
        deadline -> FutureConverters.asScala(
            FutureConverters.asJava(tcp.unbind()).thenCompose(done -> server.terminate(deadline)));
    return new ServerBinding(new akka.http.scaladsl.Http.ServerBinding(tcp.localAddress(), unbind, terminate));
  }
}
