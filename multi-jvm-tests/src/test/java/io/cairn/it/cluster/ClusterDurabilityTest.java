package io.cairn.it.cluster;

import static io.cairn.it.Await.await;
import static io.cairn.it.cluster.ClusterProcesses.bs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Await;
import io.cairn.it.ServerProcess;
import io.etcd.jetcd.Client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No acknowledged write is lost: a jetcd writer (one client per member, moving to the next member
 * whenever a put fails) streams puts while the leader is kill -9'd twice (restarted in between), then
 * the whole cluster is kill -9'd and restarted; every acknowledged key must be on every member.
 */
@Tag("cluster")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClusterDurabilityTest extends ClusterTestBase {

    static final int ACKS_PER_PHASE = 100;

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void noAcknowledgedWriteIsLost(ServerProcess.Kind kind) throws Exception {
        startCluster(kind, "durability", 3);
        Map<String, String> acked = new ConcurrentHashMap<>();
        AtomicInteger acks = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Client> clients = new ArrayList<>();
        Thread writer;
        StringBuilder timeline = new StringBuilder();
        try {
            for (int i = 0; i < cluster.size(); i++) clients.add(cluster.client(i));
            writer = new Thread(() -> {
                int via = 0;
                for (int i = 0; !stop.get(); i++) {
                    String k = String.format("ack/%06d", i);
                    String v = "v" + i + "-via-m" + (via + 1);
                    try {
                        clients.get(via).getKVClient().put(bs(k), bs(v)).get(3, TimeUnit.SECONDS);
                        acked.put(k, v); // only once the cluster acknowledged it
                        acks.incrementAndGet();
                    } catch (Exception e) {
                        // not acknowledged (may or may not be applied); next key, next member
                        failures.incrementAndGet();
                        via = (via + 1) % clients.size();
                        Await.pace(20); // back-off before the retry through the next member
                    }
                }
            }, "cluster-writer");
            writer.setDaemon(true);
            writer.start();
            long t0 = System.nanoTime();
            awaitAcks(acks, ACKS_PER_PHASE, writer);
            for (int round = 1; round <= 2; round++) {
                int leader = cluster.leader();
                cluster.kill9(leader);
                timeline.append(String.format("%5d ms: killed leader m%d at %d acks%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), leader + 1, acks.get()));
                awaitAcks(acks, acks.get() + ACKS_PER_PHASE, writer);
                cluster.restart(leader);
                timeline.append(String.format("%5d ms: restarted m%d at %d acks%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), leader + 1, acks.get()));
                awaitAcks(acks, acks.get() + ACKS_PER_PHASE, writer);
            }
            stop.set(true);
            writer.join(15_000);
            assertTrue(!writer.isAlive(), "writer did not stop");
        } finally {
            stop.set(true);
            for (Client c : clients) c.close();
        }
        timeline.append(acks.get()).append(" acknowledged, ").append(failures.get()).append(" failed puts\n");

        cluster.killAllAndRestart();
        int leader = cluster.leader();
        timeline.append("after full-cluster kill -9 + restart: leader m").append(leader + 1).append('\n');
        ClusterReplicationTest.report("durability", kind, "\n" + timeline);
        for (int r = 0; r < cluster.size(); r++) {
            final int rr = r;
            await("every acknowledged key on m" + (r + 1) + " (serializable)", Duration.ofSeconds(30),
                    () -> cluster.prefixMismatch(rr, "ack/", acked, true));
            assertEquals(null, cluster.prefixMismatch(r, "ack/", acked, false), "linearizable read from m" + (r + 1));
        }
    }

    static void awaitAcks(AtomicInteger acks, int target, Thread writer) {
        Await.until(Duration.ofSeconds(40), Duration.ofMillis(10),
                () -> acks.get() >= target || !writer.isAlive() ? null : "more acks");
        assertTrue(acks.get() >= target, "only " + acks.get() + " of " + target + " writes acknowledged within 40 s");
    }
}
