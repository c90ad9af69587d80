package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kill -9 in the middle of a stream of acknowledged writes, restart on the same data dir, every
 * acknowledged write must be there with its value. Several cycles, then a few behaviour checks on the
 * restarted member. Runs against each server of {@code -Dcairn.it.servers} (etcd validates the test).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CrashRecoveryTest {

    static final int CYCLES = 3;
    static final int ACKS_BEFORE_KILL = 150;

    ServerProcess server;

    static java.util.List<ServerProcess.Kind> servers() {
        return Differential.servers();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void acknowledgedWritesSurviveKill9(ServerProcess.Kind kind) throws Exception {
        int[] ports = ServerProcess.freePorts(2);
        server = ServerProcess.fresh(kind, ServerProcess.moduleTarget().resolve("it/CrashRecoveryTest/" + kind.label()),
                ports[0], ports[1]).start();
        Map<String, String> acked = new ConcurrentHashMap<>();
        long lastAckedRevision = 0;
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            AtomicInteger acks = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            final int c = cycle;
            long[] maxRev = {0};
            Thread writer;
            try (Client client = JetcdSmokeTest.client(server)) {
                writer = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String k = String.format("crash/%d/%06d", c, i);
                        String v = "value-" + c + "-" + i;
                        try {
                            var resp = client.getKVClient().put(bs(k), bs(v)).get(5, TimeUnit.SECONDS);
                            acked.put(k, v); // only after the server acknowledged it
                            synchronized (maxRev) { maxRev[0] = Math.max(maxRev[0], resp.getHeader().getRevision()); }
                            acks.incrementAndGet();
                        } catch (Exception e) {
                            return; // server killed mid-request: not acknowledged, may or may not exist
                        }
                    }
                }, "writer-" + cycle);
                writer.setDaemon(true);
                writer.start();
                Thread w = writer;
                Await.until(Duration.ofSeconds(60), Duration.ofMillis(5),
                        () -> acks.get() >= ACKS_BEFORE_KILL || !w.isAlive() ? null : "more acks");
                assertTrue(acks.get() >= ACKS_BEFORE_KILL, kind + ": only " + acks.get() + " writes acknowledged in 60 s");
                server.kill9(); // mid-stream: the writer is still issuing puts
                stop.set(true);
                writer.join(15_000);
            }
            synchronized (maxRev) { lastAckedRevision = Math.max(lastAckedRevision, maxRev[0]); }
            server.start();
            try (Client client = JetcdSmokeTest.client(server)) {
                var resp = client.getKVClient().get(bs("crash/"), GetOption.newBuilder().isPrefix(true).build())
                        .get(10, TimeUnit.SECONDS);
                Map<String, String> present = new java.util.HashMap<>();
                for (KeyValue kv : resp.getKvs()) present.put(kv.getKey().toString(StandardCharsets.UTF_8),
                        kv.getValue().toString(StandardCharsets.UTF_8));
                for (Map.Entry<String, String> e : acked.entrySet()) {
                    assertEquals(e.getValue(), present.get(e.getKey()),
                            kind + " cycle " + cycle + ": acknowledged key " + e.getKey() + " lost or wrong after kill -9");
                }
                assertTrue(resp.getHeader().getRevision() >= lastAckedRevision,
                        kind + ": revision went backwards after restart: " + resp.getHeader().getRevision() + " < " + lastAckedRevision);
            }
        }
        // a few behaviours on the restarted member (revisions are relative: earlier kills lose unacked writes)
        Etcdctl ctl = new Etcdctl(server.endpoint(), server.dataDir().getParent().resolve("work"));
        Etcdctl.Result put = ctl.run("put", "after/k", "v1", "-w", "json").ok();
        long rev = Long.parseLong(put.stdout().replaceAll(".*\"revision\":(\\d+).*\\s*", "$1"));
        assertTrue(rev > lastAckedRevision, kind + ": new write revision " + rev + " <= last acked " + lastAckedRevision);
        assertEquals("OK\nafter/k\nv1\n", ctl.run("put", "after/k", "v2", "--prev-kv").ok().stdout());
        assertEquals("after/k\nv1\n", ctl.run("get", "after/k", "--rev=" + rev).ok().stdout());
        assertEquals("SUCCESS\n\nOK\n", ctl.runWithStdin("value(\"after/k\") = \"v2\"\n\nput after/t yes\n\n\n", "txn").ok().stdout());
        assertEquals("1\n", ctl.run("del", "after/t").ok().stdout());
        try (Etcdctl.Background w = ctl.start("crash-watch", "watch", "after/", "--prefix", "--rev=" + rev)) {
            assertTrue(w.awaitStdout(o -> o.contains("DELETE\nafter/t\n"), Duration.ofSeconds(10)),
                    kind + ": watch --rev replay after restart: " + w.stdout() + w.stderr());
            assertEquals("PUT\nafter/k\nv1\nPUT\nafter/k\nv2\nPUT\nafter/t\nyes\nDELETE\nafter/t\n\n", w.stdout());
        }
    }
}
