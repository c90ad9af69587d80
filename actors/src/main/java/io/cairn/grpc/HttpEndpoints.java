package io.cairn.grpc;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Allow;
import akka.http.javadsl.model.headers.RawHeader;
import akka.japi.function.Function;
import io.cairn.member.MemberApi;
import io.cairn.metrics.MemberMetrics;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The plain HTTP endpoints etcd 3.4 serves on its client port beside gRPC (etcdhttp/base.go, metrics.go):
 * GET /version, GET /health and /metrics; on a --listen-metrics-urls URL only /metrics and /health.
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
  /** Go's net/http error text (http.Error, http.NotFound): text/plain, a newline at the end. */
  private static final ContentType.WithCharset TEXT = ContentTypes.TEXT_PLAIN_UTF8;
  private static final ContentType METRICS_TYPE = ContentTypes.parse(MemberMetrics.CONTENT_TYPE);

  /** The answer for a non-gRPC request, or empty when it is none of etcd's plain endpoints. */
  static Optional<CompletionStage<HttpResponse>> answer(HttpRequest request, MemberApi member) {
    if (request.getUri().path().equals("/metrics") && member.metrics() != null) {
      // etcd registers promhttp.Handler() for every method
      return Optional.of(CompletableFuture.completedFuture(metrics(member.metrics())));
    }
    if (request.method() != HttpMethods.GET) {
      return Optional.empty();
    }
    return switch (request.getUri().path()) {
      case "/version" -> Optional.of(CompletableFuture.completedFuture(json(true, VERSION_JSON)));
      case "/health" -> Optional.of(health(member));
      default -> Optional.empty();
    };
  }

  /**
   * A --listen-metrics-urls listener: etcd's serveMetrics mux, /metrics and /health only (a /health that is not a
   * GET gets etcdhttp's 405), Go's 404 for anything else.
   */
  static Function<HttpRequest, CompletionStage<HttpResponse>> metricsListener(MemberApi member) {
    return request -> switch (request.getUri().path()) {
      case "/metrics" -> CompletableFuture.completedFuture(metrics(member.metrics()));
      case "/health" -> request.method() == HttpMethods.GET ? health(member)
          : CompletableFuture.completedFuture(methodNotAllowed());
      default -> CompletableFuture.completedFuture(notFound());
    };
  }

  private static HttpResponse metrics(MemberMetrics metrics) {
    return HttpResponse.create()
        .withEntity(METRICS_TYPE, metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Go's http.NotFound. */
  public static HttpResponse notFound() {
    return goError(StatusCodes.NOT_FOUND, "404 page not found");
  }

  /** etcdhttp's answer to a /health request that is not a GET. */
  public static HttpResponse methodNotAllowed() {
    return goError(StatusCodes.METHOD_NOT_ALLOWED, "Method Not Allowed").addHeader(Allow.create(HttpMethods.GET));
  }

  /** Go's http.Error: the text and a newline as text/plain, with X-Content-Type-Options: nosniff. */
  static HttpResponse goError(StatusCode status, String text) {
    return HttpResponse.create().withStatus(status)
        .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff"))
        .withEntity(TEXT, text + "\n");
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
