package io.cairn.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.ServerBinding;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.launcher.CairnConfig;
import io.cairn.launcher.config.ConfigLoader;
import io.cairn.member.MemberNode;
import io.cairn.member.cluster.ClusterPlan;
import io.cairn.raft.log.RaftLogSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** GET /metrics from an in-process member, on its client URL and on a --listen-metrics-urls listener. */
@Timeout(60)
class MetricsEndpointTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dataDir;
  private ActorTestKit kit;
  private MemberNode member;

  @AfterEach
  void stop() {
    if (member != null) {
      member.close();
    }
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  @Test
  void servesEtcdSeriesAfterAPut() throws Exception {
    CairnConfig config = ConfigLoader.load(new String[] {
        "--data-dir", dataDir.toString(),
        "--listen-client-urls", "http://127.0.0.1:0",
        "--advertise-client-urls", "http://127.0.0.1:2379",
        "--listen-metrics-urls", "http://127.0.0.1:0"}, Map.of());
    kit = ActorTestKit.create(RaftLogSettings.forDataDir(dataDir).withFallback(com.typesafe.config.ConfigFactory.load()));
    member = MemberNode.start(config, ClusterPlan.of(config), kit.system());
    member.ready().toCompletableFuture().get(20, TimeUnit.SECONDS);
    member.propose(InternalRaftRequest.newBuilder()
            .setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v")))
            .build())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    List<ServerBinding> client = GrpcServer.bind(config, member, kit.system()).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    List<ServerBinding> metrics = MetricsListeners.bind(config, member, kit.system()).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    for (ServerBinding binding : List.of(client.get(0), metrics.get(0))) {
      String base = "http://127.0.0.1:" + binding.localAddress().getPort();
      HttpResponse<String> scrape = get(base + "/metrics");
      assertEquals(200, scrape.statusCode());
      // etcd's promhttp answers "charset=utf-8"; Akka HTTP renders the charset's registered name
      assertEquals("text/plain; version=0.0.4; charset=utf-8",
          scrape.headers().firstValue("Content-Type").orElse("").toLowerCase());
      String text = scrape.body();
      assertEquals(Optional.of(1.0), value(text, "etcd_server_has_leader"));
      assertEquals(Optional.of(1.0), value(text, "etcd_server_is_leader"));
      assertEquals(Optional.of(1.0), value(text, "etcd_server_leader_changes_seen_total"));
      assertTrue(value(text, "etcd_server_proposals_applied_total").orElse(0.0) > 0, text);
      assertTrue(value(text, "etcd_server_proposals_committed_total").orElse(0.0)
          >= value(text, "etcd_server_proposals_applied_total").orElse(0.0), text);
      assertEquals(Optional.of(0.0), value(text, "etcd_server_proposals_failed_total"));
      assertEquals(Optional.of(2.0), value(text, "etcd_debugging_mvcc_current_revision"));
      assertEquals(Optional.of(1.0), value(text, "etcd_server_version{server_version=\"3.4.23\",}"));
      assertTrue(text.contains("# TYPE etcd_server_proposals_applied_total gauge\n"), text);
      assertTrue(text.contains("# TYPE etcd_server_leader_changes_seen_total counter\n"), text);
      assertTrue(text.contains("# TYPE process_cpu_seconds_total counter\n"), text);
      assertTrue(value(text, "etcd_mvcc_db_total_size_in_bytes").orElse(0.0) > 0, text);
    }
    String metricsUrl = "http://127.0.0.1:" + metrics.get(0).localAddress().getPort();
    HttpResponse<String> health = get(metricsUrl + "/health");
    assertEquals(200, health.statusCode());
    assertEquals("{\"health\":\"true\"}", health.body());
    HttpResponse<String> other = get(metricsUrl + "/version");
    assertEquals(404, other.statusCode());
    assertEquals("404 page not found\n", other.body());
  }

  /** The value of the sample line that starts with {@code series} and a space. */
  private static Optional<Double> value(String text, String series) {
    return text.lines().filter(l -> l.startsWith(series + " "))
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).findFirst();
  }

  private static HttpResponse<String> get(String url) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
