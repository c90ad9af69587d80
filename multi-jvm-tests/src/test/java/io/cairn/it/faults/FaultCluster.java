package io.cairn.it.faults;

import io.cairn.it.Await;
import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import io.cairn.it.cluster.ClusterProcesses;
import io.etcd.jetcd.Client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An n-member cluster of real member processes, each in its own network namespace of a {@link FaultNetwork},
 * started exactly as a user starts etcd ({@code bin/cairn} or {@code /usr/bin/etcd}, same flags), with the
 * standard ports on the namespace's addresses:
 * <pre>
 * ip netns exec cairnf-mK bin/cairn --name mK --data-dir DIR/mK/data
 *   --listen-client-urls http://10.77.1.(10+K):2379 --advertise-client-urls (same)
 *   --listen-peer-urls http://10.77.2.(10+K):2380 --initial-advertise-peer-urls (same)
 *   --initial-cluster m1=http://10.77.2.10:2380,... --initial-cluster-token cairn-faults --initial-cluster-state new
 * </pre>
 * Members are 0-based here ({@code member(0)} is m1).
 */
public final class FaultCluster implements AutoCloseable {

    public static final int CLIENT_PORT = 2379;
    public static final int PEER_PORT = 2380;

    private final ClusterProcesses members;

    private FaultCluster(ClusterProcesses members) {
        this.members = members;
    }

    /** Starts a fresh cluster (dir wiped) in {@code net}'s namespaces and waits until every member is ready. */
    public static FaultCluster start(ServerProcess.Kind kind, Path dir, FaultNetwork net, String... extraFlags) {
        List<ClusterProcesses.Placement> placements = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) {
            placements.add(new ClusterProcesses.Placement(FaultNetwork.clientIp(i), CLIENT_PORT, FaultNetwork.peerIp(i),
                    PEER_PORT, FaultNetwork.exec(i)));
        }
        return new FaultCluster(ClusterProcesses.start(kind, dir, placements, "cairn-faults", extraFlags));
    }

    public ServerProcess.Kind kind() { return members.kind(); }
    public int size() { return members.size(); }
    public ServerProcess member(int i) { return members.member(i); }
    public Path dir() { return members.dir(); }

    public String name(int i) { return members.member(i).name(); }

    public List<Integer> all() { return members.indices(); }

    /** Launches the given (stopped) members, then waits until each is ready (bounded, -Dcairn.it.startTimeoutSec). */
    public void launchAndAwait(List<Integer> which) { members.launchAndAwait(which); }

    /** {@code etcdctl member remove} of member i through member via. */
    public void removeMember(int i, int via) { members.removeMember(i, via); }

    /** Member i, removed, replaced by a new member at the same address (see ClusterProcesses#replaceRemoved). */
    public void replaceRemoved(int i, int via) { members.replaceRemoved(i, via); }

    public void kill9(int i) { members.kill9(i); }
    public void sigstop(int i) { members.sigstop(i); }
    public void sigcont(int i) { members.sigcont(i); }
    public boolean isAlive(int i) { return members.member(i).isAlive(); }

    /**
     * A jetcd client to member i only. jetcd's own retries are off: a retried put could take effect twice, which
     * the history could not describe; the workloads decide what a failure means instead.
     */
    public Client client(int i) {
        return Client.builder().target("dns:///" + members.member(i).endpoint())
                .retryMaxAttempts(0)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    public Etcdctl ctl(int i) {
        return members.ctl(i);
    }

    /** What member i says about itself, from {@code etcdctl endpoint status}; null if it does not answer. */
    public ClusterProcesses.Status status(int i) {
        return members.status(i);
    }

    /** The leader as every one of {@code among} reports it, or -1 if they do not all agree on one of them now. */
    public int agreedLeader(List<Integer> among) {
        List<ClusterProcesses.Status> st = new ArrayList<>();
        for (int i : among) {
            ClusterProcesses.Status s = status(i);
            if (s == null) return -1;
            st.add(s);
        }
        for (ClusterProcesses.Status candidate : st) {
            if (st.stream().allMatch(s -> s.leaderId().equals(candidate.memberId()))) return candidate.member();
        }
        return -1;
    }

    /** Waits (bounded) until all members run and agree on a leader; returns it. */
    public int awaitHealthy(Duration timeout) {
        int[] leader = {-1};
        String unhealthy = Await.until(timeout, Duration.ofMillis(100), () -> {
            leader[0] = all().stream().allMatch(this::isAlive) ? agreedLeader(all()) : -1;
            return leader[0] >= 0 ? null : "no agreed leader";
        });
        if (unhealthy != null) {
            List<ClusterProcesses.Status> st = new ArrayList<>();
            for (int i : all()) st.add(status(i));
            throw new AssertionError(kind().label() + ": cluster not healthy within " + timeout + ": " + st);
        }
        return leader[0];
    }

    /** The leader among the members now (bounded wait for an agreed one among the running members). */
    public int leader(Duration timeout) {
        int[] leader = {-1};
        Await.await(kind().label() + ": an agreed leader", timeout, Duration.ofMillis(100), () -> {
            leader[0] = agreedLeader(all().stream().filter(this::isAlive).toList());
            return leader[0] >= 0 ? null : "none";
        });
        return leader[0];
    }

    /** KV hash of member i's store at revision rev ({@code etcdctl endpoint hashkv --rev}), or null on error. */
    public String hashKv(int i, long rev) {
        Etcdctl.Result r = ctl(i).run(Duration.ofSeconds(15), null,
                "endpoint", "hashkv", "--rev=" + rev, "-w", "json", "--command-timeout=5s");
        if (r.exitCode() != 0) return null;
        Matcher m = Pattern.compile("\"hash\":(\\d+)").matcher(r.stdout());
        Matcher cr = Pattern.compile("\"compact_revision\":(-?\\d+)").matcher(r.stdout());
        if (!m.find()) return null;
        return m.group(1) + (cr.find() ? " (compact_revision " + cr.group(1) + ")" : "");
    }

    @Override
    public void close() {
        members.close();
    }
}
