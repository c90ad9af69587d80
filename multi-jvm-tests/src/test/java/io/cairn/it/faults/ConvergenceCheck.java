package io.cairn.it.faults;

import static io.cairn.it.faults.RegisterWorkload.bs;

import io.cairn.it.Await;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Convergence: after healing, every member's KV history hash at one revision (Maintenance.HashKV, as
 * {@code etcdctl endpoint hashkv --rev}) is the same. The revision is the leader's current one; each member is
 * first given (bounded) time to apply up to it.
 */
final class ConvergenceCheck {

    private ConvergenceCheck() { }

    static List<String> check(FaultCluster cluster, int leader, java.util.function.Consumer<String> log) {
        List<String> anomalies = new ArrayList<>();
        long rev;
        try (Client c = cluster.client(leader)) {
            rev = c.getKVClient().get(bs("convergence")).get(10, TimeUnit.SECONDS).getHeader().getRevision();
        } catch (Exception e) {
            return List.of("convergence: cannot read the leader's revision: " + e);
        }
        List<String> hashes = new ArrayList<>();
        for (int i : cluster.all()) {
            try (Client c = cluster.client(i)) {
                String behind = Await.until(Duration.ofSeconds(60), Duration.ofMillis(100), () -> {
                    long applied;
                    try {
                        applied = c.getKVClient().get(bs("convergence"), GetOption.newBuilder().withSerializable(true).build())
                                .get(5, TimeUnit.SECONDS).getHeader().getRevision();
                    } catch (Exception e) {
                        applied = -1;
                    }
                    return applied >= rev ? null : "at " + applied;
                });
                if (behind != null) {
                    anomalies.add("convergence: " + cluster.name(i) + " did not reach revision " + rev + " (" + behind + ")");
                }
            }
            hashes.add(cluster.hashKv(i, rev));
        }
        log.accept("convergence: HashKV at revision " + rev + ": " + hashes);
        if (hashes.stream().distinct().count() != 1 || hashes.contains(null)) {
            anomalies.add("convergence: HashKV at revision " + rev + " differs: " + hashes);
        }
        return anomalies;
    }
}
