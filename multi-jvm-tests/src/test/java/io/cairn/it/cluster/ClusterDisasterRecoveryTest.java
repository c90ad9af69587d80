package io.cairn.it.cluster;

import static io.cairn.it.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Majority loss recovered as etcd's disaster-recovery guide does it: two of three members are gone for good, the
 * survivor is restarted from its data dir with {@code --force-new-cluster} (a one-member cluster keeping all its
 * data), then a member is added back. Against etcd and Cairn.
 */
@Tag("cluster")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterDisasterRecoveryTest extends ClusterTestBase {

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void forceNewClusterRecoversFromMajorityLoss(ServerProcess.Kind kind) {
        startCluster(kind, "force-new", 3);
        Map<String, String> written = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            cluster.ctl(0).run("put", "dr/" + i, "v" + i).ok();
            written.put("dr/" + i, "v" + i);
        }
        await("the writes on m1", Duration.ofSeconds(20), () -> cluster.prefixMismatch(0, "dr/", written, true));
        cluster.kill9(1);
        cluster.kill9(2);
        Etcdctl.Result noQuorum = cluster.ctl(0).run("put", "lost", "x", "--command-timeout=2s");
        assertEquals(1, noQuorum.exitCode(), "a minority must not accept writes");
        cluster.kill9(0);

        cluster.restartWith(0, "--force-new-cluster");
        await("the data kept", Duration.ofSeconds(30), () -> cluster.prefixMismatch(0, "dr/", written, false));
        Etcdctl.Result list = cluster.ctl(0).run("member", "list").ok();
        assertEquals(1, list.lines().size(), list.stdout());
        cluster.ctl(0).run("put", "after", "1").ok();

        int added = cluster.addMember("m4", false, 0);
        await("the data on the added member", Duration.ofSeconds(30),
                () -> {
                    String m = cluster.prefixMismatch(added, "dr/", written, true);
                    return m != null ? m : cluster.valueMismatch(added, "after", "1", true);
                });
        Etcdctl.Result two = cluster.ctl(added).run("member", "list").ok();
        assertEquals(2, two.lines().size(), two.stdout());
        assertTrue(two.lines().stream().allMatch(l -> l.contains(", started, ")), two.stdout());
        cluster.ctl(added).run("put", "two-voters", "1").ok();
    }
}
