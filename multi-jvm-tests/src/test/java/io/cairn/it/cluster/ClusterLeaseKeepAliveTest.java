package io.cairn.it.cluster;

import static io.cairn.it.Await.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A lease kept alive through a follower lives on: only the leader (etcd's primary lessor) expires leases,
 * and etcd forwards a follower's LeaseRenew and LeaseTimeToLive to the leader (etcdserver/v3_server.go).
 * Once the keep-alive stops, the lease expires on the leader and its key goes from every member.
 */
@Tag("cluster")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterLeaseKeepAliveTest extends ClusterTestBase {

    static final int TTL_SECONDS = 5;
    /** More than two TTLs: without forwarding the lease would expire on the leader within this time. */
    static final Duration KEPT_ALIVE = Duration.ofSeconds(12);
    /** Expiry after the last renewal: the TTL plus the leader's expiry check, revocation commit and slack. */
    static final Duration EXPIRES_WITHIN = Duration.ofSeconds(TTL_SECONDS + 10);
    private static final Pattern GRANTED = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\((\\d+)s\\)");
    private static final Pattern REMAINING = Pattern.compile("remaining\\((-?\\d+)s\\)");

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aLeaseKeptAliveThroughAFollowerSurvivesAndExpiresOnceTheKeepAliveStops(ServerProcess.Kind kind) {
        startCluster(kind, "keepalive", 3);
        int leader = cluster.leader();
        int follower = cluster.others(leader).get(0);
        Etcdctl viaFollower = cluster.ctl(follower);

        Matcher granted = GRANTED.matcher(viaFollower.run("lease", "grant", Integer.toString(TTL_SECONDS)).ok().stdout());
        assertTrue(granted.find(), "lease grant output");
        String lease = granted.group(1);
        viaFollower.run("put", "leased", "v", "--lease=" + lease).ok();

        long until = System.nanoTime() + KEPT_ALIVE.toNanos();
        try (Etcdctl.Background keepAlive = viaFollower.start("keepalive-" + lease, "lease", "keep-alive", lease)) {
            assertTrue(keepAlive.awaitStdout(out -> out.contains("keepalived with TTL(" + TTL_SECONDS + ")"),
                    Duration.ofSeconds(10)), () -> "no renewal answered: " + keepAlive.stdout() + keepAlive.stderr());
            // For KEPT_ALIVE (over two TTLs) the key stays on every member, read there (serializable).
            int rounds = 0;
            while (System.nanoTime() < until) {
                for (int i = 0; i < cluster.size(); i++) {
                    String mismatch = cluster.valueMismatch(i, "leased", "v", true);
                    assertTrue(mismatch == null, "round " + rounds + ": " + mismatch + "; keep-alive: "
                            + keepAlive.stdout() + keepAlive.stderr());
                }
                rounds++;
            }
            assertTrue(rounds > 0, "the key was never read while the lease was kept alive");
            // TimeToLive through the follower is the leader's view: a renewed lease, not an expired one.
            Matcher remaining = REMAINING.matcher(viaFollower.run("lease", "timetolive", lease).ok().stdout());
            assertTrue(remaining.find() && Long.parseLong(remaining.group(1)) > 0, "timetolive through the follower");
            assertTrue(keepAlive.process().isAlive(), () -> "keep-alive ended: " + keepAlive.stderr());
            keepAlive.interrupt(Duration.ofSeconds(10));
        }

        for (int i = 0; i < cluster.size(); i++) {
            int member = i;
            await("the lease's key gone from member " + member, EXPIRES_WITHIN, () -> {
                Etcdctl.Result r = cluster.get(member, "leased", true, "--print-value-only");
                return r.exitCode() == 0 && r.stdout().isEmpty() ? null : "exit " + r.exitCode() + " " + r.stdout();
            });
        }
        Matcher gone = REMAINING.matcher(viaFollower.run("lease", "timetolive", lease).ok().stdout());
        assertTrue(!gone.find() || Long.parseLong(gone.group(1)) <= 0, "the lease expired");
    }
}
