package io.cairn.grpc;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import io.cairn.launcher.CairnConfig;
import io.cairn.member.MemberApi;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * etcd's --listen-metrics-urls (embed.serveMetrics): plain HTTP/1.1 listeners with /metrics and /health only, no
 * gRPC; an https URL serves with the client TLS context (etcd passes ClientTLSInfo), client certificates included.
 */
public final class MetricsListeners {
  private MetricsListeners() {}

  public static CompletionStage<List<ServerBinding>> bind(CairnConfig config, MemberApi member, ActorSystem<?> system) {
    var handler = HttpEndpoints.metricsListener(member);
    return GrpcServer.bindAll(config.listenMetricsUrls(), url -> {
      var server = Http.get(system).newServerAt(url.getHost(), url.getPort());
      return switch (url.getScheme().toLowerCase()) {
        case "http" -> server.bind(handler);
        case "https" -> server.enableHttps(TlsContexts.server(config.clientTls())).bind(handler);
        default -> throw new IllegalArgumentException("unsupported listen metrics URL scheme: " + url);
      };
    });
  }
}
