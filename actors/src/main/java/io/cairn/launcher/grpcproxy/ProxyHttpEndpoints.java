package io.cairn.launcher.grpcproxy;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.Http;
import akka.http.javadsl.HttpsConnectionContext;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.grpc.HttpEndpoints;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The plain HTTP/1.1 endpoints of etcd 3.4's grpc-proxy, on the listen address and on --metrics-addr:
 * GET /health (grpcproxy.HandleHealth: a one-second Get of "a", healthy when it succeeds or is refused for
 * permission) and GET /metrics (grpcproxy.HandleMetrics: the members' own /metrics text, fetched from an
 * endpoint; etcd picks one at start, this tries them in order so a dead one does not turn the answer into its
 * 500 "Internal server error"). Anything else is Go's "404 page not found".
 */
final class ProxyHttpEndpoints {
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration METRICS_TIMEOUT = Duration.ofSeconds(5);
  private static final ContentType.WithCharset TEXT = ContentTypes.TEXT_PLAIN_UTF8;

  private final MemberClients members;
  private final Namespace ns;
  private final List<String> memberUrls;
  private final HttpsConnectionContext memberTls;
  private final ActorSystem<?> system;

  ProxyHttpEndpoints(MemberClients members, Namespace ns, MemberEndpoints endpoints, MemberTls tls,
      ActorSystem<?> system) {
    this.members = members;
    this.ns = ns;
    this.memberUrls = endpoints.urls();
    this.memberTls = tls == null ? null : ConnectionContext.httpsClient(tls.jdk());
    this.system = system;
  }

  CompletionStage<HttpResponse> answer(HttpRequest request) {
    String path = request.getUri().path();
    if (!path.equals("/health") && !path.equals("/metrics")) {
      return done(HttpEndpoints.notFound());
    }
    if (path.equals("/health") && request.method() != HttpMethods.GET) {
      return done(HttpEndpoints.methodNotAllowed());
    }
    return path.equals("/health") ? health() : metrics(0);
  }

  private CompletionStage<HttpResponse> health() {
    RangeRequest get = RangeRequest.newBuilder().setKey(ns.key(ByteString.copyFromUtf8("a"))).build();
    return members.kv.range().invoke(get).toCompletableFuture()
        .orTimeout(HEALTH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .handle((ok, failure) -> {
          boolean healthy = failure == null || permissionDenied(failure);
          String body = "{\"health\":\"" + healthy + "\"}";
          // etcdhttp.NewHealthHandler: an unhealthy answer goes out through http.Error (503, a newline added)
          return healthy ? HttpResponse.create().withEntity(TEXT, body)
              : HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE).withEntity(TEXT, body + "\n");
        });
  }

  private static boolean permissionDenied(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
        : failure;
    return cause instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.PERMISSION_DENIED;
  }

  private CompletionStage<HttpResponse> metrics(int endpoint) {
    if (endpoint >= memberUrls.size()) {
      return done(HttpResponse.create().withStatus(StatusCodes.INTERNAL_SERVER_ERROR)
          .withEntity(TEXT, "Internal server error\n"));
    }
    HttpRequest get = HttpRequest.GET(memberUrls.get(endpoint) + "/metrics");
    Http http = Http.get(system);
    CompletionStage<HttpResponse> fetched = memberTls == null ? http.singleRequest(get)
        : http.singleRequest(get, memberTls);
    return fetched
        .thenCompose(r -> r.entity().toStrict(METRICS_TIMEOUT.toMillis(), system)
            .thenApply(strict -> HttpResponse.create().withStatus(r.status()).withEntity(strict)))
        .toCompletableFuture()
        .orTimeout(METRICS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .handle((response, failure) -> failure == null ? CompletableFuture.completedFuture(response)
            : metrics(endpoint + 1))
        .thenCompose(stage -> stage);
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
