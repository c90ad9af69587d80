package io.cairn.it.ops;

import static io.cairn.it.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import io.cairn.it.cluster.ClusterProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LeaseKeepAlive and LeaseTimeToLive through a follower of a cluster with https client URLs ({@code --auto-tls},
 * self-signed) and http peer URLs. etcd's follower forwards both to the leader's peer URL (etcdserver/v3_server.go
 * LeaseRenew and LeaseTimeToLive post to {@code /leases} and {@code /leases/internal}), never to its client URL;
 * Cairn's follower asks the leader over the Artery peer link (PeerLeaseRequests). Before that, Cairn's follower
 * called the leader's https client URL with a client that did not trust the member's certificate, and
 * {@code etcdctl lease timetolive} through a follower hung: every etcdctl here is bounded (its
 * {@code --command-timeout}, and the process's own limit, which is what caught the pre-fix hang: etcdctl was still
 * running after 20 s), so a hang fails instead of stalling the run.
 */
@Tag("cluster")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LeaseThroughFollowerTlsTest {
    /** etcdctl's own bound on each request; the process gets a little more to print its error and exit. */
    private static final String COMMAND_TIMEOUT = "--command-timeout=10s";
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern GRANTED = Pattern.compile("^lease ([0-9a-f]+) granted with TTL\\(100s\\)\\n$");

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    void keepAliveAndTimeToLiveThroughAFollowerOverHttpsClientUrls(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(LeaseThroughFollowerTlsTest.class, "follower", kind);
        int[] ports = ServerProcess.freePorts(6);
        List<ServerProcess> members = PeerTlsTest.threeMembers(kind, dir, ports, "https", "http",
                i -> List.of("--auto-tls"));
        try {
            for (ServerProcess m : members) m.launch();
            for (ServerProcess m : members) m.awaitReady();
            // --auto-tls certificates are self-signed: etcd's documented client for them skips verification
            List<Etcdctl> ctl = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ctl.add(new Etcdctl("https://127.0.0.1:" + ports[2 * i], dir.resolve("work"))
                        .withGlobalFlags("--insecure-skip-tls-verify", "--insecure-transport=false", COMMAND_TIMEOUT));
            }
            Etcdctl follower = ctl.get(aFollower(ctl));

            Matcher granted = GRANTED.matcher(run(follower, "lease", "grant", "100").ok().stdout());
            assertTrue(granted.find(), "lease grant through the follower");
            String lease = granted.group(1);

            // etcd: "lease <id> granted with TTL(100s), remaining(99s)", the leader's remaining time
            String ttl = run(follower, "lease", "timetolive", lease).ok().stdout();
            Matcher remaining = Pattern.compile("^lease " + lease + " granted with TTL\\(100s\\), remaining\\((\\d+)s\\)\\n$")
                    .matcher(ttl);
            assertTrue(remaining.find(), ttl);
            int left = Integer.parseInt(remaining.group(1));
            assertTrue(left > 0 && left <= 100, ttl);
            // etcd answers a renewal with the lease's granted TTL
            assertEquals("lease " + lease + " keepalived with TTL(100)\n",
                    run(follower, "lease", "keep-alive", "--once", lease).ok().stdout());

            // A revoked lease and one never granted, through the follower. etcd 3.4: time-to-live answers TTL -1,
            // which etcdctl prints as "already expired" (exit 0); a renewal fails with ErrLeaseNotFound (exit 2).
            assertEquals("lease " + lease + " revoked\n", run(follower, "lease", "revoke", lease).ok().stdout());
            for (String gone : List.of(lease, "1234abcd")) {
                String padded = String.format("%016x", Long.parseUnsignedLong(gone, 16));
                assertEquals("lease " + padded + " already expired\n",
                        run(follower, "lease", "timetolive", gone).ok().stdout());
                Etcdctl.Result renew = run(follower, "lease", "keep-alive", "--once", gone).expectExit(2);
                assertEquals("", renew.stdout());
                assertEquals("Error: etcdserver: requested lease not found\n", renew.stderr());
            }
        } finally {
            PeerTlsTest.closeAll(members);
        }
    }

    private static Etcdctl.Result run(Etcdctl ctl, String... args) {
        return ctl.run(PROCESS_TIMEOUT, null, args);
    }

    /** Index of a member that is not the leader, once all three agree on one leader (bounded). */
    private static int aFollower(List<Etcdctl> ctl) {
        int[] follower = {-1};
        await("three members agreeing on a leader", Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
            List<ClusterProcesses.Status> st = new ArrayList<>();
            for (int i = 0; i < ctl.size(); i++) {
                Etcdctl.Result r = ctl.get(i).run(PROCESS_TIMEOUT, null, "endpoint", "status", "-w", "json");
                ClusterProcesses.Status s = r.exitCode() == 0 ? ClusterProcesses.parseStatus(i, r.stdout()) : null;
                if (s == null || s.leaderId().equals("0")) return "member " + i + ": " + r.stdout() + r.stderr();
                st.add(s);
            }
            if (st.stream().map(ClusterProcesses.Status::leaderId).distinct().count() != 1) return "statuses: " + st;
            follower[0] = st.stream().filter(s -> !s.memberId().equals(s.leaderId())).findFirst().orElseThrow().member();
            return null;
        });
        return follower[0];
    }
}
