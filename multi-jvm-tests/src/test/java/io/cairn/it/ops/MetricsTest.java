package io.cairn.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Await;
import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import io.cairn.it.cluster.ClusterProcesses;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GET /metrics on a member's client URL and on its --listen-metrics-urls URL (with /health there, Go's 404 for
 * anything else), against both servers: the series Cairn emits must exist in etcd 3.4.23 under the same name and type.
 */
class MetricsTest {
    /** Every etcd and process series Cairn emits, as etcd's "# TYPE" lines read. */
    private static final List<String> TYPES = List.of(
            "# TYPE etcd_debugging_mvcc_current_revision gauge",
            "# TYPE etcd_mvcc_db_total_size_in_bytes gauge",
            "# TYPE etcd_mvcc_db_total_size_in_use_in_bytes gauge",
            "# TYPE etcd_server_has_leader gauge",
            "# TYPE etcd_server_id gauge",
            "# TYPE etcd_server_is_leader gauge",
            "# TYPE etcd_server_is_learner gauge",
            "# TYPE etcd_server_leader_changes_seen_total counter",
            "# TYPE etcd_server_proposals_applied_total gauge",
            "# TYPE etcd_server_proposals_committed_total gauge",
            "# TYPE etcd_server_proposals_failed_total counter",
            "# TYPE etcd_server_proposals_pending gauge",
            "# TYPE etcd_server_quota_backend_bytes gauge",
            "# TYPE etcd_server_version gauge",
            "# TYPE process_cpu_seconds_total counter",
            "# TYPE process_max_fds gauge",
            "# TYPE process_open_fds gauge",
            "# TYPE process_resident_memory_bytes gauge",
            "# TYPE process_start_time_seconds gauge",
            "# TYPE process_virtual_memory_bytes gauge");

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void servesMetricsOnTheClientAndMetricsUrls(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(MetricsTest.class, "metrics", kind);
        int[] ports = ServerProcess.freePorts(3);
        String metricsUrl = "http://127.0.0.1:" + ports[2];
        try (ServerProcess member = ServerProcess.fresh(kind, dir.resolve("m1"), ports[0], ports[1],
                "--listen-metrics-urls", metricsUrl).start()) {
            new Etcdctl(member.endpoint(), dir.resolve("work")).run("put", "k", "v").ok();
            for (String base : List.of(member.clientUrl(), metricsUrl)) {
                // a single member leads once it is ready; the bound covers a slow first scrape
                Await.await("a leader in " + base + "/metrics", Duration.ofSeconds(10), () -> {
                    String text = GrpcProxyTest.get(base + "/metrics").body();
                    return value(text, "etcd_server_has_leader").equals(Optional.of(1.0)) ? null : text;
                });
                HttpResponse<String> scrape = GrpcProxyTest.get(base + "/metrics");
                assertEquals(200, scrape.statusCode());
                assertEquals("text/plain; version=0.0.4; charset=utf-8",
                        scrape.headers().firstValue("Content-Type").orElse("").toLowerCase());
                String text = scrape.body();
                List<String> types = text.lines().filter(l -> l.startsWith("# TYPE ")).toList();
                for (String type : TYPES) {
                    assertTrue(types.contains(type), kind + " " + base + ": no " + type);
                }
                assertEquals(Optional.of(1.0), value(text, "etcd_server_is_leader"));
                assertTrue(value(text, "etcd_server_proposals_applied_total").orElse(0.0) > 0, text);
                assertTrue(value(text, "etcd_server_leader_changes_seen_total").orElse(0.0) >= 1, text);
                assertEquals(Optional.of(2.0), value(text, "etcd_debugging_mvcc_current_revision"));
            }
            HttpResponse<String> health = GrpcProxyTest.get(metricsUrl + "/health");
            assertEquals(200, health.statusCode());
            assertEquals("{\"health\":\"true\"}", health.body());
            HttpResponse<String> other = GrpcProxyTest.get(metricsUrl + "/version");
            assertEquals(404, other.statusCode());
            assertEquals("404 page not found\n", other.body());
        }
    }

    /** The value of an unlabelled series; Go prints 1, the Java client 1.0. */
    private static Optional<Double> value(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " "))
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).findFirst();
    }
}
