package io.cairn.it.faults;

import io.cairn.it.Await;
import io.cairn.it.history.CheckResult;
import io.cairn.it.history.History;
import io.cairn.it.history.KeyResult;
import io.cairn.it.history.LinearizabilityChecker;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Registers: several clients run linearizable get, put and compare-and-set (a Txn comparing the value, or
 * version 0 for "absent") on a handful of keys; every call is recorded in a {@link History} and the history is
 * checked for linearizability ({@link LinearizabilityChecker}, partitioned by key).
 *
 * <p>A put or CAS that fails or times out is INDETERMINATE (it may have been applied, or be applied later): no
 * gRPC error proves that a request never reached the leader's log. A failed read observed nothing and is left out.
 * jetcd's own retries are off (a retried put could apply twice). Every value written is unique.
 *
 * <p>Keys rotate every {@code epoch} ({@code reg/e<epoch>/k<j>}) so each key's history stays small enough for
 * an exhaustive search even in an hour-long run; once everything is healed and restarted one final linearizable
 * read of every key ever used joins the history, so a write lost at any time is still caught.
 */
final class RegisterWorkload implements Workload {

    private final int clients;
    private final int keysPerEpoch;
    private final Duration epoch;
    private final Duration opTimeout;
    private final long seed;
    private final History history = new History(2_000_000);
    private final Set<String> usedKeys = ConcurrentHashMap.newKeySet();
    private final ClientThreads threads = new ClientThreads();
    private final List<Client> jetcd = new ArrayList<>();
    private CheckResult result;
    private long startNanos;

    RegisterWorkload(int clients, int keysPerEpoch, Duration epoch, Duration opTimeout, long seed) {
        this.clients = clients;
        this.keysPerEpoch = keysPerEpoch;
        this.epoch = epoch;
        this.opTimeout = opTimeout;
        this.seed = seed;
    }

    @Override
    public String name() { return "registers"; }

    @Override
    public void start(FaultCluster cluster) {
        for (int i = 0; i < cluster.size(); i++) jetcd.add(cluster.client(i));
        startNanos = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int clientId = c;
            threads.start("registers-" + c, () -> run(clientId, cluster.size()));
        }
    }

    private void run(int clientId, int members) {
        Random random = new Random(seed * 31 + clientId);
        int via = clientId % members;
        Map<String, String> lastSeen = new HashMap<>();
        long seq = 0;
        while (threads.running() && !history.isFull()) {
            long epochNo = (System.nanoTime() - startNanos) / epoch.toNanos();
            String key = "reg/e" + epochNo + "/k" + random.nextInt(keysPerEpoch);
            usedKeys.add(key);
            KV kv = jetcd.get(via).getKVClient();
            int dice = random.nextInt(100);
            boolean ok;
            if (dice < 50) {
                History.Call call = history.invokeRead(clientId, key);
                CompletableFuture<GetResponse> f = kv.get(bs(key));
                try {
                    GetResponse r = f.get(opTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    String v = r.getKvs().isEmpty() ? null : str(r.getKvs().get(0).getValue());
                    call.okRead(v);
                    lastSeen.put(key, v);
                    ok = true;
                } catch (Exception e) {
                    f.cancel(true);
                    call.fail(); // a read that failed observed nothing
                    ok = false;
                }
            } else if (dice < 75) {
                String v = "c" + clientId + "-" + (seq++);
                History.Call call = history.invokeWrite(clientId, key, v);
                CompletableFuture<?> f = kv.put(bs(key), bs(v));
                try {
                    f.get(opTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    call.okWrite();
                    lastSeen.put(key, v);
                    ok = true;
                } catch (Exception e) {
                    f.cancel(true);
                    call.indeterminate();
                    ok = false;
                }
            } else {
                String expected = lastSeen.get(key);
                String v = "c" + clientId + "-" + (seq++);
                History.Call call = history.invokeCas(clientId, key, expected, v);
                Cmp cmp = expected == null
                        ? new Cmp(bs(key), Cmp.Op.EQUAL, CmpTarget.version(0))
                        : new Cmp(bs(key), Cmp.Op.EQUAL, CmpTarget.value(bs(expected)));
                CompletableFuture<io.etcd.jetcd.kv.TxnResponse> f = kv.txn().If(cmp)
                        .Then(Op.put(bs(key), bs(v), PutOption.DEFAULT)).commit();
                try {
                    boolean succeeded = f.get(opTimeout.toMillis(), TimeUnit.MILLISECONDS).isSucceeded();
                    call.okCas(succeeded);
                    if (succeeded) lastSeen.put(key, v);
                    else lastSeen.remove(key);
                    ok = true;
                } catch (Exception e) {
                    f.cancel(true);
                    call.indeterminate();
                    ok = false;
                }
            }
            if (!ok) {
                // this member may be down or cut off: use the next one (a real client's endpoint failover)
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
        // One final linearizable read of every key ever used, through any member that answers.
        int finalClient = 10_000;
        List<String> unread = new ArrayList<>();
        for (String key : new java.util.TreeSet<>(usedKeys)) {
            boolean done = false;
            for (int attempt = 0; attempt < 3 * jetcd.size() && !done; attempt++) {
                History.Call call = history.invokeRead(finalClient, key);
                try {
                    GetResponse r = jetcd.get(attempt % jetcd.size()).getKVClient().get(bs(key))
                            .get(10, TimeUnit.SECONDS);
                    call.okRead(r.getKvs().isEmpty() ? null : str(r.getKvs().get(0).getValue()));
                    done = true;
                } catch (Exception e) {
                    call.fail();
                }
            }
            if (!done) unread.add(key);
        }
        result = new LinearizabilityChecker(Duration.ofSeconds(30), LinearizabilityChecker.DEFAULT_MAX_MEMO_ENTRIES)
                .check(history);
        for (Client c : jetcd) c.close();
        List<String> anomalies = new ArrayList<>();
        // without its final read a key's lost write would go unnoticed: that is a failure of the check itself
        if (!unread.isEmpty()) {
            anomalies.add("registers: no final read succeeded for " + unread.size() + " keys after the restart, e.g. "
                    + unread.subList(0, Math.min(5, unread.size())));
        }
        for (KeyResult k : result.keys()) {
            if (k.verdict() != KeyResult.Verdict.OK) anomalies.add("registers: " + k.explain(10));
        }
        return anomalies;
    }

    @Override
    public long ops() { return history.size(); }

    @Override
    public void dump(Path dir) {
        history.dump(dir.resolve("registers-history.jsonl"));
        if (result != null) {
            try {
                java.nio.file.Files.writeString(dir.resolve("registers-check.txt"), result.explain());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static ByteSequence bs(String s) { return ByteSequence.from(s, StandardCharsets.UTF_8); }

    static String str(ByteSequence b) { return b.toString(StandardCharsets.UTF_8); }
}
