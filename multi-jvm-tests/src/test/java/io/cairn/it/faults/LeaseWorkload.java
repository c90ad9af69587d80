package io.cairn.it.faults;

import static io.cairn.it.faults.RegisterWorkload.bs;

import io.cairn.it.Await;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Leases, two clients:
 * <ul>
 * <li>keeper: grants a lease of {@value #KEEP_TTL_S} s, attaches {@code lease/keep/<id>} to it, and sends a
 *     keep-alive (LeaseKeepAlive, once) every second, remembering when it sent the last one that was answered; it
 *     then reads the key (linearizable). A lease renewed at time t cannot expire before t + TTL, so a read that
 *     completes before (send time of the last answered keep-alive) + TTL and finds the key gone is an early
 *     expiry. When the key is gone legitimately (keep-alives failed for a TTL), a new lease starts.</li>
 * <li>churner: grants short leases ({@value #SHORT_TTL_S} s) with a key each ({@code lease/gone/<id>}), and
 *     revokes every other one at once, letting the rest expire.</li>
 * </ul>
 * After the run (keeper stopped, every member restarted) every {@code lease/} key must disappear from every
 * member (bounded wait: leases are renewed on a leader change, so they expire a TTL after the new leader).
 */
final class LeaseWorkload implements Workload {

    static final long KEEP_TTL_S = 5;
    static final long SHORT_TTL_S = 3;

    private final ClientThreads threads = new ClientThreads();
    private final AtomicLong ops = new AtomicLong();
    private final List<String> earlyExpiries = Collections.synchronizedList(new ArrayList<>());
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<Client> jetcd = new ArrayList<>();

    @Override
    public String name() { return "leases"; }

    @Override
    public void start(FaultCluster cluster) {
        for (int i = 0; i < cluster.size(); i++) jetcd.add(cluster.client(i));
        threads.start("lease-keeper", this::keep);
        threads.start("lease-churner", this::churn);
    }

    private void keep() {
        int via = 0;
        long lease = 0;
        String key = null;
        long lastAnsweredSendNanos = 0;
        while (threads.running()) {
            try {
                if (lease == 0) {
                    ops.incrementAndGet();
                    long grantSent = System.nanoTime();
                    long granted = jetcd.get(via).getLeaseClient().grant(KEEP_TTL_S).get(2, TimeUnit.SECONDS).getID();
                    String k = "lease/keep/" + Long.toHexString(granted);
                    ops.incrementAndGet();
                    jetcd.get(via).getKVClient().put(bs(k), bs("kept"), PutOption.newBuilder().withLeaseId(granted).build())
                            .get(2, TimeUnit.SECONDS);
                    lease = granted;
                    key = k;
                    lastAnsweredSendNanos = grantSent; // granted no earlier than this, so alive a TTL after it
                    log.add("keeper: lease " + Long.toHexString(lease));
                }
                Await.pace(1000); // keep-alive period (TTL/5)
                long sent = System.nanoTime();
                ops.incrementAndGet();
                long ttl = jetcd.get(via).getLeaseClient().keepAliveOnce(lease).get(2, TimeUnit.SECONDS).getTTL();
                if (ttl > 0) lastAnsweredSendNanos = sent;
                ops.incrementAndGet();
                List<KeyValue> kvs = jetcd.get(via).getKVClient().get(bs(key)).get(2, TimeUnit.SECONDS).getKvs();
                long readDone = System.nanoTime();
                if (kvs.isEmpty()) {
                    long aliveUntil = lastAnsweredSendNanos + TimeUnit.SECONDS.toNanos(KEEP_TTL_S);
                    if (readDone < aliveUntil) {
                        earlyExpiries.add("lease " + Long.toHexString(lease) + ": key " + key + " gone "
                                + TimeUnit.NANOSECONDS.toMillis(aliveUntil - readDone) + " ms before its TTL could"
                                + " have run out (last answered keep-alive sent "
                                + TimeUnit.NANOSECONDS.toMillis(readDone - lastAnsweredSendNanos) + " ms earlier)");
                    }
                    log.add("keeper: lease " + Long.toHexString(lease) + " gone");
                    lease = 0;
                }
            } catch (Exception e) {
                // keep-alives through this member fail: try the next one (the lease may expire meanwhile)
                via = (via + 1) % jetcd.size();
                if (lease != 0 && e.getMessage() != null && e.getMessage().contains("requested lease not found")) {
                    lease = 0;
                }
                Await.pace(100); // back-off before the retry
            }
        }
    }

    private void churn() {
        int via = 0;
        for (long n = 0; threads.running(); n++) {
            try {
                ops.incrementAndGet();
                long lease = jetcd.get(via).getLeaseClient().grant(SHORT_TTL_S).get(2, TimeUnit.SECONDS).getID();
                ops.incrementAndGet();
                jetcd.get(via).getKVClient().put(bs("lease/gone/" + Long.toHexString(lease)), bs("v"),
                        PutOption.newBuilder().withLeaseId(lease).build()).get(2, TimeUnit.SECONDS);
                if (n % 2 == 0) {
                    ops.incrementAndGet();
                    jetcd.get(via).getLeaseClient().revoke(lease).get(2, TimeUnit.SECONDS);
                }
                Await.pace(200); // lease churn rate
            } catch (Exception e) {
                via = (via + 1) % jetcd.size();
                Await.pace(100); // back-off before the retry
            }
        }
    }

    @Override
    public void stop() {
        threads.stop(Duration.ofSeconds(20));
    }

    @Override
    public List<String> check(FaultCluster cluster) {
        List<String> anomalies = new ArrayList<>();
        for (String e : earlyExpiries) anomalies.add("leases: early expiry: " + e);
        for (int i = 0; i < jetcd.size(); i++) {
            Client member = jetcd.get(i);
            AtomicReference<List<String>> left = new AtomicReference<>(List.of());
            Await.until(Duration.ofSeconds(60), Duration.ofMillis(200), () -> {
                List<String> keys;
                try {
                    keys = member.getKVClient()
                            .get(bs("lease/"), GetOption.newBuilder().isPrefix(true).withSerializable(true).withKeysOnly(true).build())
                            .get(5, TimeUnit.SECONDS).getKvs().stream().map(kv -> RegisterWorkload.str(kv.getKey())).toList();
                } catch (Exception e) {
                    keys = List.of("<read failed: " + e + ">");
                }
                left.set(keys);
                return keys.isEmpty() ? null : keys.size() + " keys left";
            });
            List<String> still = left.get();
            if (!still.isEmpty()) {
                anomalies.add("leases: " + cluster.name(i) + " still holds " + still.size()
                        + " keys of revoked or expired leases 60 s after the run, e.g. " + still.subList(0, Math.min(5, still.size())));
            }
        }
        for (Client c : jetcd) c.close();
        return anomalies;
    }

    @Override
    public long ops() { return ops.get(); }

    @Override
    public void dump(Path dir) {
        try {
            synchronized (log) {
                Files.write(dir.resolve("leases.txt"), log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
