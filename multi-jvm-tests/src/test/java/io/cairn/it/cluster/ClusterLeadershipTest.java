package io.cairn.it.cluster;

import static io.cairn.it.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

/**
 * {@code etcdctl move-leader} transfers leadership; a leader removed from the cluster stops (exit code 0, etcd's
 * message) and the others go on. Against etcd and Cairn.
 */
@Tag("cluster")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterLeadershipTest extends ClusterTestBase {

    private String hexId(int i) {
        return Long.toHexString(Long.parseUnsignedLong(cluster.status(i).memberId()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void moveLeaderTransfersLeadership(ServerProcess.Kind kind) {
        startCluster(kind, "move", 3);
        int leader = cluster.leader();
        int target = cluster.others(leader).get(0);
        String leaderId = hexId(leader);
        String targetId = hexId(target);

        Etcdctl.Result bad = cluster.ctlAll().run("move-leader", "1234");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.stderr().contains("etcdserver: bad leader transferee"), bad.stderr());

        Etcdctl.Result moved = cluster.ctlAll().run("move-leader", targetId).ok();
        assertEquals("Leadership transferred from " + leaderId + " to " + targetId + "\n", moved.stdout());
        assertEquals(target, cluster.leader());
        cluster.ctl(leader).run("put", "after-move", "1").ok();
        await("the write everywhere", Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 3; i++) {
                String m = cluster.valueMismatch(i, "after-move", "1", true);
                if (m != null) return m;
            }
            return null;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aRemovedLeaderStopsAndTheOthersGoOn(ServerProcess.Kind kind) {
        startCluster(kind, "remove-leader", 3);
        int leader = cluster.leader();
        Etcdctl.Result removed = cluster.removeMember(leader, leader);
        assertTrue(removed.stdout().contains(" removed from cluster "), removed.stdout());
        ServerProcess old = cluster.member(leader);
        await(old.name() + " exits", Duration.ofSeconds(30), () -> old.isAlive() ? "still running" : null);
        assertEquals(0, old.exitCode(), old.logSinceLaunch());
        assertTrue(old.logSinceLaunch().contains("the member has been permanently removed from the cluster"));
        List<Integer> rest = cluster.others(leader);
        int newLeader = cluster.leader(rest, Duration.ofSeconds(20));
        assertNotEquals(leader, newLeader);
        cluster.ctl(rest.get(0)).run("put", "after-remove", "1").ok();
        Etcdctl.Result list = cluster.ctl(rest.get(1)).run("member", "list").ok();
        assertEquals(2, list.lines().size(), list.stdout());
    }
}
