package io.cairn.it.cluster;

import static io.cairn.it.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Five members: writes through any member are read from every member; losing 2 (incl. the leader) keeps it writable. */
@Tag("cluster")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterFiveMembersTest extends ClusterTestBase {

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void fiveMembersSurviveLosingTwoIncludingTheLeader(ServerProcess.Kind kind) {
        startCluster(kind, "five", 5);
        for (int w = 0; w < 5; w++) {
            cluster.ctl(w).run("put", "five/k" + w, "via-m" + (w + 1)).ok();
        }
        for (int w = 0; w < 5; w++) {
            for (int r = 0; r < 5; r++) {
                assertEquals(null, cluster.valueMismatch(r, "five/k" + w, "via-m" + (w + 1), false));
                final int rr = r, ww = w;
                await("serializable read", Duration.ofSeconds(20),
                        () -> cluster.valueMismatch(rr, "five/k" + ww, "via-m" + (ww + 1), true));
            }
        }
        assertEquals(5, cluster.ctl(0).run("member", "list").ok().lines().size());

        int leader = cluster.leader();
        int follower = cluster.others(leader).get(0);
        cluster.kill9(leader);
        cluster.kill9(follower);
        long t0 = System.nanoTime();
        List<Integer> survivors = cluster.others(leader, follower);
        String[] last = {""};
        int[] attempt = {0};
        await("a write through a survivor after killing leader m" + (leader + 1) + " and m" + (follower + 1),
                Duration.ofSeconds(30), () -> {
                    int via = survivors.get(attempt[0]++ % survivors.size());
                    Etcdctl.Result r = cluster.ctl(via).run(Duration.ofSeconds(10), null,
                            "put", "five/after", "ok", "--command-timeout=500ms");
                    return r.exitCode() == 0 ? null : (last[0] = r.stderr().strip());
                });
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        ClusterReplicationTest.report("five-members", kind, "killed leader m" + (leader + 1) + " and m" + (follower + 1)
                + "; first write accepted after " + ms + " ms");
        assertTrue(ms <= ClusterReplicationTest.REELECTION_MAX_MS, "re-election with 3 of 5 took " + ms + " ms");
        for (int s : survivors) {
            assertEquals(null, cluster.valueMismatch(s, "five/after", "ok", false));
            for (int w = 0; w < 5; w++) assertEquals(null, cluster.valueMismatch(s, "five/k" + w, "via-m" + (w + 1), false));
        }
        for (int i = 0; i < 10; i++) cluster.ctl(survivors.get(i % 3)).run("put", "five/more" + i, "x").ok();
    }
}
