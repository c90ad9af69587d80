package io.cairn.grpc;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import io.cairn.member.MemberApi;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The plain HTTP endpoints etcd 3.4 serves on its client port beside gRPC (etcdhttp/base.go, metrics.go):
 * GET /version and GET /health.
 */
public final class HttpEndpoints {
  static final String VERSION_JSON = "{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}";
  /** etcd's health check gives its linearizable read (a QGET) one second. */
  private static final Duration HEALTH_READ_TIMEOUT = Duration.ofSeconds(1);

  private HttpEndpoints() {}

  public static boolean isGrpc(HttpRequest request) {
    return request.entity().getContentType().mediaType().toString().startsWith("application/grpc");
  }

  /**
   * The request as Cairn's gRPC handlers should see it: without grpc-accept-encoding, so responses go out
   * uncompressed as etcd's do. Akka gRPC 2.1.6 gzips every response to a client that accepts exactly gzip, which
   * grpc-java (jetcd) always advertises: on a watch with 100 watchers that was compression of every event.
   */
  public static HttpRequest withoutResponseCompression(HttpRequest request) {
    return request.getHeader(ACCEPT_ENCODING).isPresent() ? request.removeHeader(ACCEPT_ENCODING) : request;
  }

  private static final String ACCEPT_ENCODING = "grpc-accept-encoding";

  /** The answer for a non-gRPC request, or empty when it is none of etcd's plain endpoints. */
  static Optional<CompletionStage<HttpResponse>> answer(HttpRequest request, MemberApi member) {
    if (request.method() != HttpMethods.GET) {
      return Optional.empty();
    }
    return switch (request.getUri().path()) {
      case "/version" -> Optional.of(CompletableFuture.completedFuture(json(true, VERSION_JSON)));
      case "/health" -> Optional.of(health(member));
      default -> Optional.empty();
    };
  }

  /** etcd's checkHealth: unhealthy with any alarm, without a leader, or when a linearizable read fails. */
  private static CompletionStage<HttpResponse> health(MemberApi member) {
    try {
      if (!member.store().alarms().isEmpty() || member.raftStatus().leaderId() == 0) {
        return CompletableFuture.completedFuture(healthJson(false));
      }
      return member
          .linearizableRead()
          .toCompletableFuture()
          .orTimeout(HEALTH_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .handle((ok, failure) -> healthJson(failure == null));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(healthJson(false));
    }
  }

  private static HttpResponse healthJson(boolean healthy) {
    return json(healthy, "{\"health\":\"" + healthy + "\"}");
  }

  private static HttpResponse json(boolean ok, String body) {
    return HttpResponse.create()
        .withStatus(ok ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE)
        .withEntity(ContentTypes.APPLICATION_JSON, body);
  }
}
