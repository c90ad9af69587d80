package io.cairn.launcher.gateway;

import akka.Done;
import akka.actor.ActorSystem;
import akka.io.Inet;
import akka.japi.Pair;
import akka.stream.Materializer;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.AsPublisher;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.SourceQueueWithComplete;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import io.cairn.launcher.config.ZapLines;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.reactivestreams.Publisher;

/**
 * etcd's gateway (tcpproxy/userspace.go): a layer-4 proxy that hands each client connection to one etcd endpoint,
 * byte for byte (it neither terminates TLS nor reads the requests). An endpoint is picked round-robin among the
 * active ones; a failed dial deactivates the endpoint and the same client connection tries the next one; with
 * none left the client connection is closed. Every retry delay the inactive endpoints are dialled again and
 * reactivated when they answer.
 *
 * <p>Built on Akka Streams TCP. The remote connection is dialled before the client's bytes are joined to it (so a
 * dial failure can move on to the next endpoint): the remote's input is a bounded, back-pressured queue fed by the
 * client, its output a publisher the client side subscribes to.
 */
final class TcpProxy {

  /**
   * An etcd endpoint: its address as given or discovered (host:port, logged), and where to dial it (a discovered
   * host name is resolved on the discovery's DNS server).
   */
  record Endpoint(String address, String dialHost, int dialPort) {}

  /** The remote side of a client connection: 16 chunks in flight at most, then the client is back-pressured. */
  private static final int REMOTE_QUEUE_CHUNKS = 16;
  private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem system;
  private final Materializer materializer;
  private final List<Endpoint> endpoints;
  private final Duration retryDelay;
  private final ZapLines log;
  /** Endpoints a dial failed to since their last successful re-dial (the monitor's). Guarded by this. */
  private final boolean[] inactive;
  private int pickCount;

  TcpProxy(ActorSystem system, List<Endpoint> endpoints, Duration retryDelay, ZapLines log) {
    this.system = system;
    this.materializer = Materializer.matFromSystem(system);
    this.endpoints = List.copyOf(endpoints);
    this.retryDelay = retryDelay;
    this.log = log;
    this.inactive = new boolean[endpoints.size()];
  }

  /** Binds the listen address and serves until the system terminates; completes with the binding. */
  CompletionStage<Tcp.ServerBinding> bind(String host, int port) {
    system.scheduler().scheduleWithFixedDelay(retryDelay, retryDelay, this::monitor, system.dispatcher());
    return Tcp.get(system).bind(host, port)
        .to(Sink.foreach(this::serve))
        .run(materializer);
  }

  private void serve(Tcp.IncomingConnection client) {
    List<Integer> tried = new ArrayList<>();
    dialNext(client, tried);
  }

  private void dialNext(Tcp.IncomingConnection client, List<Integer> tried) {
    int picked = pick(tried);
    if (picked < 0) {
      // etcd closes the client connection when no endpoint is left
      Source.<ByteString>empty().via(client.flow()).runWith(Sink.ignore(), materializer);
      return;
    }
    tried.add(picked);
    Endpoint endpoint = endpoints.get(picked);
    Pair<Pair<SourceQueueWithComplete<ByteString>, CompletionStage<Tcp.OutgoingConnection>>, Publisher<ByteString>>
        remote = Source.<ByteString>queue(REMOTE_QUEUE_CHUNKS, OverflowStrategy.backpressure())
            .viaMat(dial(endpoint), Keep.both())
            .toMat(Sink.asPublisher(AsPublisher.WITHOUT_FANOUT), Keep.both())
            .run(materializer);
    SourceQueueWithComplete<ByteString> toRemote = remote.first().first();
    remote.first().second().whenComplete((connected, error) -> {
      if (error != null) {
        deactivate(picked, error);
        dialNext(client, tried);
        return;
      }
      Sink<ByteString, CompletionStage<Done>> clientToRemote =
          Sink.foreachAsync(1, chunk -> toRemote.offer(chunk).thenApply(result -> null));
      Flow<ByteString, ByteString, CompletionStage<Done>> joined = Flow.fromSinkAndSourceCoupledMat(
          clientToRemote, Source.fromPublisher(remote.second()), Keep.left());
      client.handleWith(joined, materializer).whenComplete((done, failure) -> {
        if (failure != null) {
          toRemote.fail(failure);
        } else {
          toRemote.complete();
        }
      });
    });
  }

  /**
   * Round-robin among the active endpoints not yet tried for this connection; -1 if none. (etcd also orders SRV
   * targets by priority and weight; Akka Discovery's SRV lookup does not report them, so all count as equal.)
   */
  private synchronized int pick(List<Integer> tried) {
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < endpoints.size(); i++) {
      if (!tried.contains(i) && !inactive[i]) {
        candidates.add(i);
      }
    }
    if (candidates.isEmpty()) {
      return -1;
    }
    pickCount = (pickCount + 1) % candidates.size();
    return candidates.get(pickCount);
  }

  private void deactivate(int i, Throwable error) {
    synchronized (this) {
      inactive[i] = true;
    }
    log.warn("tcpproxy/userspace.go:183", "deactivated endpoint", "address", endpoints.get(i).address(),
        "interval", retryDelay.toMillis() / 1000.0, "error", reason(endpoints.get(i), error));
  }

  private Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> dial(Endpoint endpoint) {
    return Tcp.get(system).outgoingConnection(
        new InetSocketAddress(endpoint.dialHost(), endpoint.dialPort()), Optional.empty(),
        List.<Inet.SocketOption>of(), false, Optional.of(DIAL_TIMEOUT), Optional.empty());
  }

  /** etcd's runMonitor: every retry delay, dial each inactive endpoint once; reactivate it if it answers. */
  private void monitor() {
    for (int i = 0; i < endpoints.size(); i++) {
      synchronized (this) {
        if (!inactive[i]) {
          continue;
        }
      }
      int index = i;
      Endpoint endpoint = endpoints.get(i);
      // a probe connection, closed as soon as it is up (an empty source would finish before the dial completes)
      Pair<CompletableFuture<Optional<ByteString>>, CompletionStage<Tcp.OutgoingConnection>> probe =
          Source.<ByteString>maybe()
              .viaMat(dial(endpoint), Keep.both())
              .to(Sink.ignore())
              .run(materializer);
      probe.second()
          .whenComplete((connected, error) -> {
            probe.first().complete(Optional.empty());
            if (error != null) {
              log.warn("tcpproxy/userspace.go:217", "failed to activate endpoint (stay inactive for another interval)",
                  "address", endpoint.address(), "interval", retryDelay.toMillis() / 1000.0,
                  "error", reason(endpoint, error));
            } else {
              synchronized (this) {
                inactive[index] = false;
              }
              log.info("tcpproxy/userspace.go:0", "activated", "address", endpoint.address());
            }
          });
    }
  }

  /** Go's net.Dial error text: "dial tcp 127.0.0.1:2379: connect: connection refused". */
  private static String reason(Endpoint endpoint, Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String text = String.valueOf(error) + " " + cause;
    String why = text.contains("Connection refused") ? "connect: connection refused"
        : text.contains("timed out") || text.contains("Timeout") ? "i/o timeout"
        : text.contains("No route") ? "connect: no route to host"
        : String.valueOf(cause.getMessage());
    return "dial tcp " + endpoint.dialHost() + ":" + endpoint.dialPort() + ": " + why;
  }
}
