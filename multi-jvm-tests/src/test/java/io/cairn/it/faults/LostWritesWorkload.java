package io.cairn.it.faults;

import static io.cairn.it.faults.RegisterWorkload.bs;
import static io.cairn.it.faults.RegisterWorkload.str;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lost writes: writers put increasing sequence numbers onto a rotating set of keys ({@code lw/c<writer>/<slot>} :=
 * {@code <seq>}). For each key the highest acknowledged sequence number is remembered. After the faults heal and
 * every member restarted, every member must hold, for each such key, that sequence number or a later one (a later
 * write of the same writer, acknowledged or not, may supersede it; nothing else writes these keys). Checked on
 * each member with a serializable read (its own store) once it has caught up, and once with a linearizable read.
 */
final class LostWritesWorkload implements Workload {

    private final int writers;
    private final int slots;
    private final Duration opTimeout;
    private final Map<String, Long> acked = new ConcurrentHashMap<>();
    /** When (ms since start) each key's highest acknowledged write was acknowledged, for diagnosis. */
    private final Map<String, Long> ackedAtMs = new ConcurrentHashMap<>();
    private final long t0 = System.nanoTime();
    private final AtomicLong ops = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Client> jetcd = new ArrayList<>();
    private final Map<String, String> lastRead = new TreeMap<>();

    LostWritesWorkload(int writers, int slots, Duration opTimeout) {
        this.writers = writers;
        this.slots = slots;
        this.opTimeout = opTimeout;
    }

    @Override
    public String name() { return "lost-writes"; }

    @Override
    public void start(FaultCluster cluster) {
        for (int i = 0; i < cluster.size(); i++) jetcd.add(cluster.client(i));
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread t = new Thread(() -> run(writer, cluster.size()), "lost-writes-" + w);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void run(int writer, int members) {
        int via = (writer + 1) % members;
        for (long seq = 0; !stop.get(); seq++) {
            String key = "lw/c" + writer + "/" + (seq % slots);
            ops.incrementAndGet();
            var f = jetcd.get(via).getKVClient().put(bs(key), bs(Long.toString(seq)));
            try {
                f.get(opTimeout.toMillis(), TimeUnit.MILLISECONDS);
                acked.merge(key, seq, Math::max); // only once the cluster acknowledged it
                ackedAtMs.put(key, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            } catch (Exception e) {
                f.cancel(true);
                via = (via + 1) % members;
                io.cairn.it.ServerProcess.pause(50);
            }
        }
    }

    @Override
    public void stop() {
        stop.set(true);
        for (Thread t : threads) {
            try {
                t.join(opTimeout.toMillis() + 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) throw new AssertionError(t.getName() + " did not stop");
        }
    }

    @Override
    public List<String> check(FaultCluster cluster) {
        List<String> anomalies = new ArrayList<>();
        for (int i = 0; i < jetcd.size(); i++) {
            final int member = i;
            // serializable: what this member's own store holds, once it has caught up (bounded wait)
            String[] last = {null};
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            do {
                last[0] = mismatch(member, true);
                if (last[0] == null) break;
                io.cairn.it.ServerProcess.pause(200);
            } while (System.nanoTime() < deadline);
            if (last[0] != null) anomalies.add("lost-writes: " + cluster.name(member) + " (serializable): " + last[0]);
        }
        String linearizable = mismatch(0, false);
        if (linearizable != null) anomalies.add("lost-writes: m1 (linearizable): " + linearizable);
        for (Client c : jetcd) c.close();
        return anomalies;
    }

    /** Null if member holds every acknowledged write (or a later one), else what is missing. */
    private String mismatch(int member, boolean serializable) {
        Map<String, Long> present = new HashMap<>();
        try {
            List<KeyValue> kvs = jetcd.get(member).getKVClient()
                    .get(bs("lw/"), GetOption.newBuilder().isPrefix(true).withSerializable(serializable).build())
                    .get(10, TimeUnit.SECONDS).getKvs();
            synchronized (lastRead) {
                for (KeyValue kv : kvs) {
                    present.put(str(kv.getKey()), Long.parseLong(str(kv.getValue())));
                    lastRead.put("m" + (member + 1) + " " + str(kv.getKey()), str(kv.getValue()));
                }
            }
        } catch (Exception e) {
            return "read failed: " + e;
        }
        List<String> bad = new ArrayList<>();
        for (var e : new TreeMap<>(acked).entrySet()) {
            Long p = present.get(e.getKey());
            if (p == null || p < e.getValue()) {
                bad.add(e.getKey() + "=" + p + " (acknowledged " + e.getValue() + " at " + ackedAtMs.get(e.getKey()) + " ms)");
            }
        }
        if (bad.isEmpty()) return null;
        return bad.size() + " of " + acked.size() + " keys lost their acknowledged write, e.g. "
                + bad.subList(0, Math.min(5, bad.size()));
    }

    @Override
    public long ops() { return ops.get(); }

    @Override
    public void dump(Path dir) {
        StringBuilder sb = new StringBuilder("# key highest-acknowledged-seq\n");
        new TreeMap<>(acked).forEach((k, v) -> sb.append(k).append(' ').append(v).append(" at ")
                .append(ackedAtMs.get(k)).append(" ms\n"));
        sb.append("# last read per member\n");
        synchronized (lastRead) {
            lastRead.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
        }
        try {
            Files.writeString(dir.resolve("lost-writes.txt"), sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
