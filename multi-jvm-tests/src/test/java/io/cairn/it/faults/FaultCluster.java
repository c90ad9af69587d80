package io.cairn.it.faults;

import io.cairn.it.Await;
import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import io.etcd.jetcd.Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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

    private final ServerProcess.Kind kind;
    private final Path dir;
    private final List<ServerProcess> members = new ArrayList<>();

    private FaultCluster(ServerProcess.Kind kind, Path dir) {
        this.kind = kind;
        this.dir = dir;
    }

    /** Starts a fresh cluster (dir wiped) in {@code net}'s namespaces and waits until every member is ready. */
    public static FaultCluster start(ServerProcess.Kind kind, Path dir, FaultNetwork net, String... extraFlags) {
        FaultCluster c = new FaultCluster(kind, dir);
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            List<String> initial = new ArrayList<>();
            for (int i = 0; i < net.size(); i++) {
                initial.add("m" + (i + 1) + "=http://" + FaultNetwork.peerIp(i) + ":" + PEER_PORT);
            }
            for (int i = 0; i < net.size(); i++) {
                String name = "m" + (i + 1);
                Path data = dir.resolve(name).resolve("data");
                Files.createDirectories(data.getParent());
                String client = "http://" + FaultNetwork.clientIp(i) + ":" + CLIENT_PORT;
                String peer = "http://" + FaultNetwork.peerIp(i) + ":" + PEER_PORT;
                List<String> flags = new ArrayList<>(List.of(
                        "--name", name,
                        "--data-dir", data.toString(),
                        "--listen-client-urls", client,
                        "--advertise-client-urls", client,
                        "--listen-peer-urls", peer,
                        "--initial-advertise-peer-urls", peer,
                        "--initial-cluster", String.join(",", initial),
                        "--initial-cluster-token", "cairn-faults",
                        "--initial-cluster-state", "new"));
                flags.addAll(List.of(extraFlags));
                c.members.add(ServerProcess.withFlags(kind, name, data, dir.resolve(name).resolve(kind.label() + ".log"),
                        FaultNetwork.clientIp(i), CLIENT_PORT, PEER_PORT, flags, FaultNetwork.exec(i)));
            }
            c.launchAndAwait(FaultNetwork.all(net.size()));
            return c;
        } catch (IOException e) {
            c.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    public ServerProcess.Kind kind() { return kind; }
    public int size() { return members.size(); }
    public ServerProcess member(int i) { return members.get(i); }
    public Path dir() { return dir; }

    public String name(int i) { return members.get(i).name(); }

    public List<Integer> all() { return FaultNetwork.all(members.size()); }

    /** Launches the given (stopped) members, then waits until each is ready (bounded, -Dcairn.it.startTimeoutSec). */
    public void launchAndAwait(List<Integer> which) {
        for (int i : which) members.get(i).launch();
        for (int i : which) members.get(i).awaitReady();
    }

    public void kill9(int i) { members.get(i).kill9(); }
    public void sigstop(int i) { members.get(i).sigstop(); }
    public void sigcont(int i) { members.get(i).sigcont(); }
    public boolean isAlive(int i) { return members.get(i).isAlive(); }

    /**
     * A jetcd client to member i only. jetcd's own retries are off: a retried put could take effect twice, which
     * the history could not describe; the workloads decide what a failure means instead.
     */
    public Client client(int i) {
        return Client.builder().target("dns:///" + members.get(i).endpoint())
                .retryMaxAttempts(0)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    public Etcdctl ctl(int i) {
        return new Etcdctl(members.get(i).endpoint(), dir.resolve("work"));
    }

    /** What member i says about itself, from {@code etcdctl endpoint status}. */
    public record Status(int member, String memberId, String leaderId, long raftTerm, long raftIndex) { }

    private static final Pattern STATUS = Pattern.compile(
            "\"member_id\":(\\d+).*?\"leader\":(\\d+),\"raftIndex\":(\\d+),\"raftTerm\":(\\d+)");

    /** Status of member i, or null if it does not answer within 2 s. */
    public Status status(int i) {
        if (!members.get(i).isAlive()) return null;
        Etcdctl.Result r = ctl(i).run(Duration.ofSeconds(10), null,
                "endpoint", "status", "-w", "json", "--command-timeout=2s");
        if (r.exitCode() != 0) return null;
        Matcher m = STATUS.matcher(r.stdout());
        if (!m.find()) return null;
        return new Status(i, m.group(1), m.group(2), Long.parseLong(m.group(4)), Long.parseLong(m.group(3)));
    }

    /** The leader as every one of {@code among} reports it, or -1 if they do not all agree on one of them now. */
    public int agreedLeader(List<Integer> among) {
        List<Status> st = new ArrayList<>();
        for (int i : among) {
            Status s = status(i);
            if (s == null) return -1;
            st.add(s);
        }
        for (Status candidate : st) {
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
            List<Status> st = new ArrayList<>();
            for (int i : all()) st.add(status(i));
            throw new AssertionError(kind.label() + ": cluster not healthy within " + timeout + ": " + st);
        }
        return leader[0];
    }

    /** The leader among the members now (bounded wait for an agreed one among the running members). */
    public int leader(Duration timeout) {
        int[] leader = {-1};
        Await.await(kind.label() + ": an agreed leader", timeout, Duration.ofMillis(100), () -> {
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
        for (ServerProcess m : members) {
            try { m.sigcont(); } catch (RuntimeException | Error ignored) { }
        }
        AssertionError first = null;
        for (ServerProcess m : members) {
            try { m.kill9(); } catch (RuntimeException | Error e) { if (first == null) first = new AssertionError(e); }
        }
        if (first != null) throw first;
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
