package io.cairn.it.faults;

import static io.cairn.it.faults.RegisterWorkload.bs;
import static io.cairn.it.faults.RegisterWorkload.str;

import io.cairn.it.Await;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lost writes: writers put increasing sequence numbers onto a rotating set of keys ({@code lw/c<writer>/<slot>} :=
 * {@code <seq>}). For each key the highest acknowledged sequence number is remembered. After the faults heal and
 * every member restarted, every member must hold, for each such key, that sequence number or a later one (a later
 * write of the same writer, acknowledged or not, may supersede it; nothing else writes these keys). Checked on
 * each member with a serializable read (its own store) once it has caught up, and once with a linearizable read.
 *
 * <p>A put that timed out is indeterminate: it may still be applied later, even after a later put of the same writer
 * to the same key was acknowledged (linearizability lets the open-ended op take effect at any point after its
 * start). So a key holding an older sequence number is a lost write only unless that value came from such a timed-out
 * put applied <em>after</em> the acknowledgement, which the key's mod_revision above the acknowledged put's revision
 * shows; such late applications are counted in {@link #details()}, not reported as anomalies.
 */
final class LostWritesWorkload implements Workload {

    private final int writers;
    private final int slots;
    private final Duration opTimeout;
    private final Map<String, Long> acked = new ConcurrentHashMap<>();
    /** When (ms since start) each key's highest acknowledged write was acknowledged, for diagnosis. */
    private final Map<String, Long> ackedAtMs = new ConcurrentHashMap<>();
    /** The revision of each key's highest acknowledged put (its response header's). */
    private final Map<String, Long> ackedRevision = new ConcurrentHashMap<>();
    /** Sequence numbers whose put failed or timed out: indeterminate, they may be applied later. */
    private final Set<Long> indeterminate = ConcurrentHashMap.newKeySet();
    /** Keys found holding a timed-out put that was applied after a later acknowledged one (legal). */
    private final Set<String> lateApplied = ConcurrentHashMap.newKeySet();
    private final long t0 = System.nanoTime();
    private final AtomicLong ops = new AtomicLong();
    private final ClientThreads threads = new ClientThreads();
    private final List<Client> jetcd = new ArrayList<>();
    private final Map<String, String> lastRead = new TreeMap<>();

    LostWritesWorkload(int writers, int slots, Duration opTimeout) {
        this.writers = writers;
        this.slots = slots;
        this.opTimeout = opTimeout;
    }

    /** Separates the writers' sequence numbers in {@link #indeterminate}. */
    private static final long SEQ_STRIDE = 1L << 40;

    @Override
    public String name() { return "lost-writes"; }

    @Override
    public String details() {
        return lateApplied.isEmpty() ? ""
                : " (" + lateApplied.size() + " keys hold a timed-out put applied after a later acknowledged one: "
                        + new TreeSet<>(lateApplied) + ")";
    }

    @Override
    public void start(FaultCluster cluster) {
        for (int i = 0; i < cluster.size(); i++) jetcd.add(cluster.client(i));
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.start("lost-writes-" + w, () -> run(writer, cluster.size()));
        }
    }

    private void run(int writer, int members) {
        int via = (writer + 1) % members;
        for (long seq = 0; threads.running(); seq++) {
            String key = "lw/c" + writer + "/" + (seq % slots);
            ops.incrementAndGet();
            var f = jetcd.get(via).getKVClient().put(bs(key), bs(Long.toString(seq)));
            try {
                long revision = f.get(opTimeout.toMillis(), TimeUnit.MILLISECONDS).getHeader().getRevision();
                acked.merge(key, seq, Math::max); // only once the cluster acknowledged it
                ackedRevision.put(key, revision); // seq grows per writer: this is the key's highest ack
                ackedAtMs.put(key, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            } catch (Exception e) {
                indeterminate.add(writer * SEQ_STRIDE + seq);
                f.cancel(true);
                via = (via + 1) % members;
                Await.pace(50); // back-off before the retry
            }
        }
    }

    @Override
    public void stop() {
        threads.stop(opTimeout.plusSeconds(10));
    }

    @Override
    public List<String> check(FaultCluster cluster) {
        List<String> anomalies = new ArrayList<>();
        for (int i = 0; i < jetcd.size(); i++) {
            final int member = i;
            // serializable: what this member's own store holds, once it has caught up (bounded wait)
            String last = Await.until(Duration.ofSeconds(60), Duration.ofMillis(200), () -> mismatch(member, true));
            if (last != null) anomalies.add("lost-writes: " + cluster.name(member) + " (serializable): " + last);
        }
        String linearizable = mismatch(0, false);
        if (linearizable != null) anomalies.add("lost-writes: m1 (linearizable): " + linearizable);
        for (Client c : jetcd) c.close();
        return anomalies;
    }

    /** Null if member holds every acknowledged write (or a later one), else what is missing. */
    private String mismatch(int member, boolean serializable) {
        Map<String, Long> present = new HashMap<>();
        Map<String, Long> modRevision = new HashMap<>();
        try {
            List<KeyValue> kvs = jetcd.get(member).getKVClient()
                    .get(bs("lw/"), GetOption.newBuilder().isPrefix(true).withSerializable(serializable).build())
                    .get(10, TimeUnit.SECONDS).getKvs();
            synchronized (lastRead) {
                for (KeyValue kv : kvs) {
                    present.put(str(kv.getKey()), Long.parseLong(str(kv.getValue())));
                    modRevision.put(str(kv.getKey()), kv.getModRevision());
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
                long ackRevision = ackedRevision.getOrDefault(e.getKey(), Long.MAX_VALUE);
                long writer = Long.parseLong(e.getKey().substring(4, e.getKey().indexOf('/', 4)));
                if (p != null && indeterminate.contains(writer * SEQ_STRIDE + p)
                        && modRevision.get(e.getKey()) > ackRevision) {
                    lateApplied.add(e.getKey() + "=" + p + "@" + modRevision.get(e.getKey())
                            + " over " + e.getValue() + "@" + ackRevision);
                    continue;
                }
                bad.add(e.getKey() + "=" + p + " at revision " + modRevision.get(e.getKey()) + " (acknowledged "
                        + e.getValue() + " at revision " + ackRevision + ", " + ackedAtMs.get(e.getKey()) + " ms)");
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
                .append(ackedAtMs.get(k)).append(" ms, revision ").append(ackedRevision.get(k)).append('\n'));
        sb.append("# timed-out puts applied after a later acknowledged one (legal)\n");
        new TreeSet<>(lateApplied).forEach(l -> sb.append(l).append('\n'));
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
