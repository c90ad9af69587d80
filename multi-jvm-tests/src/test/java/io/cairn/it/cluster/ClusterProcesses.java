package io.cairn.it.cluster;

import static io.cairn.it.Await.await;

import io.cairn.it.Await;
import io.cairn.it.Differential;
import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * N members (3 or 5) of one statically bootstrapped cluster, each a separate OS process (real etcd or
 * bin/cairn, same flags), started exactly as etcd's clustering guide does:
 * <pre>
 * --name mK --data-dir DIR/mK/data
 * --initial-advertise-peer-urls http://127.0.0.1:PEER --listen-peer-urls http://127.0.0.1:PEER
 * --listen-client-urls http://127.0.0.1:CLIENT --advertise-client-urls http://127.0.0.1:CLIENT
 * --initial-cluster m1=http://127.0.0.1:P1,... --initial-cluster-token tkn --initial-cluster-state new
 * </pre>
 * plus per-cluster extra flags (e.g. {@code --snapshot-count 100}). Members are 0-based here
 * ({@code member(0)} is named {@code m1}). All members are launched before any is awaited (a member of a
 * new cluster only logs "ready to serve client requests" once a quorum is up); then each is awaited
 * (bounded, {@code -Dcairn.it.startTimeoutSec}). {@link #close()} always SIGCONTs and stops everything.
 * Ports are fresh free loopback ports per cluster; data dirs and logs live under {@code target/}.
 */
public final class ClusterProcesses implements AutoCloseable {

    private final ServerProcess.Kind kind;
    private final Path dir;
    private final List<ServerProcess> members = new ArrayList<>();

    private ClusterProcesses(ServerProcess.Kind kind, Path dir) {
        this.kind = kind;
        this.dir = dir;
    }

    public static List<ServerProcess.Kind> servers() {
        return Differential.servers();
    }

    /** Directory for a test's cluster: {@code target/it/cluster/<owner>/<test>/<server>}. */
    public static Path dirFor(Class<?> owner, String test, ServerProcess.Kind kind) {
        return ServerProcess.moduleTarget().resolve("it/cluster").resolve(owner.getSimpleName()).resolve(test)
                .resolve(kind.label());
    }

    /** {@link #dirFor}, emptied, with an empty {@code work} directory for commands (etcdctl, failing starts). */
    public static Path freshDirFor(Class<?> owner, String test, ServerProcess.Kind kind) throws java.io.IOException {
        Path dir = dirFor(owner, test, kind);
        ServerProcess.deleteRecursively(dir);
        java.nio.file.Files.createDirectories(dir.resolve("work"));
        return dir;
    }

    /**
     * Where member i listens: its client and peer addresses, and the prefix its command runs under (e.g.
     * {@code ip netns exec NS} for a member in a network namespace; empty on loopback).
     */
    public record Placement(String clientHost, int clientPort, String peerHost, int peerPort, List<String> commandPrefix) {
        public String clientUrl() { return "http://" + clientHost + ":" + clientPort; }
        public String peerUrl() { return "http://" + peerHost + ":" + peerPort; }
    }

    /** Starts a fresh n-member cluster (dir wiped) on fresh loopback ports and waits until every member is ready. */
    public static ClusterProcesses start(ServerProcess.Kind kind, Path dir, int n, String... extraFlags) {
        int[] ports = ServerProcess.freePorts(2 * n);
        List<Placement> placements = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            placements.add(new Placement("127.0.0.1", ports[2 * i], "127.0.0.1", ports[2 * i + 1], List.of()));
        }
        return start(kind, dir, placements, "tkn", extraFlags);
    }

    /** Starts a fresh cluster (dir wiped), member i ({@code m<i+1>}) placed as {@code placements.get(i)}; awaits all. */
    public static ClusterProcesses start(ServerProcess.Kind kind, Path dir, List<Placement> placements, String token,
                                         String... extraFlags) {
        ClusterProcesses c = new ClusterProcesses(kind, dir);
        try {
            ServerProcess.deleteRecursively(dir);
            Files.createDirectories(dir);
            List<String> initial = new ArrayList<>();
            for (int i = 0; i < placements.size(); i++) initial.add("m" + (i + 1) + "=" + placements.get(i).peerUrl());
            for (int i = 0; i < placements.size(); i++) {
                Placement at = placements.get(i);
                String name = "m" + (i + 1);
                Path data = dir.resolve(name).resolve("data");
                Files.createDirectories(data.getParent());
                List<String> flags = memberFlags(name, data, at.clientUrl(), at.peerUrl(), String.join(",", initial),
                        "new");
                flags.addAll(List.of("--initial-cluster-token", token));
                flags.addAll(List.of(extraFlags));
                c.members.add(ServerProcess.withFlags(kind, name, data, dir.resolve(name).resolve(kind.label() + ".log"),
                        at.clientHost(), at.clientPort(), at.peerPort(), flags, at.commandPrefix()));
            }
            c.launchAndAwait(c.indices());
            return c;
        } catch (IOException e) {
            c.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    /** The flags etcd's clustering guide starts a member with (a mutable list: callers append more). */
    public static List<String> memberFlags(String name, Path data, String clientUrl, String peerUrl, String initialCluster,
                                    String initialClusterState) {
        return new ArrayList<>(List.of(
                "--name", name,
                "--data-dir", data.toString(),
                "--initial-advertise-peer-urls", peerUrl,
                "--listen-peer-urls", peerUrl,
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", initialClusterState));
    }

    /** Indices of all members (0-based). */
    public List<Integer> indices() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) all.add(i);
        return all;
    }

    /** Launches the given (stopped) members, then waits until each is ready (bounded, -Dcairn.it.startTimeoutSec). */
    public void launchAndAwait(List<Integer> which) {
        for (int i : which) members.get(i).launch();
        for (int i : which) members.get(i).awaitReady();
    }

    public ServerProcess.Kind kind() { return kind; }
    public int size() { return members.size(); }
    public ServerProcess member(int i) { return members.get(i); }
    public List<ServerProcess> members() { return List.copyOf(members); }
    public Path dir() { return dir; }

    /** Comma-separated client endpoints (as etcdctl --endpoints wants them) of the given members. */
    public String endpoints(List<Integer> which) {
        return which.stream().map(i -> members.get(i).endpoint()).collect(Collectors.joining(","));
    }

    public String allEndpoints() {
        return endpoints(indices());
    }

    /** etcdctl bound to member i. */
    public Etcdctl ctl(int i) {
        return new Etcdctl(members.get(i).endpoint(), dir.resolve("work"));
    }

    /** etcdctl bound to all members (--endpoints=a,b,c). */
    public Etcdctl ctlAll() {
        return new Etcdctl(allEndpoints(), dir.resolve("work"));
    }

    /**
     * jetcd client to one member. jetcd 0.7.7's own "ip:///" resolver fails with grpc-java 1.68.1, so
     * (like JetcdSmokeTest) connect through grpc's dns resolver, which takes one host only.
     */
    public Client client(int i) {
        return Client.builder().target("dns:///" + members.get(i).endpoint()).build();
    }

    /** Member ids (decimal) and the leader id each member reports, from {@code endpoint status -w json}. */
    public record Status(int member, String memberId, String leaderId, long raftTerm, long raftIndex) { }

    private static final Pattern STATUS = Pattern.compile(
            "\"member_id\":(\\d+).*?\"leader\":(\\d+),\"raftIndex\":(\\d+),\"raftTerm\":(\\d+)");

    /** Status of member i, or null if it does not answer within 2 s. */
    public Status status(int i) {
        if (!members.get(i).isAlive()) return null;
        Etcdctl.Result r = ctl(i).run(Duration.ofSeconds(10), null,
                "endpoint", "status", "-w", "json", "--command-timeout=2s");
        return r.exitCode() == 0 ? parseStatus(i, r.stdout()) : null;
    }

    /** Member i's status from its {@code endpoint status -w json} output, or null if it has none. */
    public static Status parseStatus(int i, String json) {
        Matcher m = STATUS.matcher(json);
        if (!m.find()) return null;
        return new Status(i, m.group(1), m.group(2), Long.parseLong(m.group(4)), Long.parseLong(m.group(3)));
    }

    /**
     * Index of the leader among the given live members: polls (bounded) until some member's own id equals
     * the leader id reported by a majority of the members asked.
     */
    public int leader(List<Integer> among, Duration timeout) {
        int[] leader = {-1};
        await(kind.label() + ": a leader agreed on among members " + among, timeout, () -> {
            List<Status> st = new ArrayList<>();
            for (int i : among) {
                Status s = status(i);
                if (s != null) st.add(s);
            }
            for (Status candidate : st) {
                long votes = st.stream().filter(s -> s.leaderId().equals(candidate.memberId())).count();
                if (votes > among.size() / 2) {
                    leader[0] = candidate.member();
                    return null;
                }
            }
            return "statuses: " + st;
        });
        return leader[0];
    }

    public int leader() {
        return leader(alive(), Duration.ofSeconds(15));
    }

    /** Indices of members whose process is running (includes SIGSTOPped ones). */
    public List<Integer> alive() {
        List<Integer> a = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) if (members.get(i).isAlive()) a.add(i);
        return a;
    }

    public List<Integer> others(int... excluded) {
        List<Integer> o = new ArrayList<>(indices());
        for (int e : excluded) o.remove(Integer.valueOf(e));
        return o;
    }

    public void kill9(int i) { members.get(i).kill9(); }
    public void sigstop(int i) { members.get(i).sigstop(); }
    public void sigcont(int i) { members.get(i).sigcont(); }

    /** Starts a stopped (killed) member again on its data dir; waits until ready. */
    public void restart(int i) {
        ServerProcess m = members.get(i);
        if (m.isAlive()) m.terminate();
        m.start();
    }

    /**
     * Starts stopped member i again on its data dir with more flags (e.g. {@code --force-new-cluster}) and waits
     * until it is ready; later restarts keep them.
     */
    public void restartWith(int i, String... moreFlags) {
        ServerProcess m = members.get(i);
        if (m.isAlive()) m.terminate();
        ServerProcess again = m.withMoreFlags(moreFlags);
        members.set(i, again);
        again.start();
    }

    /** kill -9 every member, then launch all again on their data dirs and wait until each is ready. */
    public void killAllAndRestart() {
        for (ServerProcess m : members) m.kill9();
        launchAndAwait(indices());
    }

    /** {@code etcdctl get KEY --print-value-only} against member i (serializable: {@code --consistency=s}). */
    public Etcdctl.Result get(int i, String key, boolean serializable, String... more) {
        List<String> args = new ArrayList<>(List.of("get", key, "--command-timeout=3s"));
        if (serializable) args.add("--consistency=s");
        args.addAll(List.of(more));
        return ctl(i).run(Duration.ofSeconds(15), null, args.toArray(String[]::new));
    }

    /** Null if member i returns exactly {@code value} for {@code key}, else a description of what it returned. */
    public String valueMismatch(int i, String key, String value, boolean serializable) {
        Etcdctl.Result r = get(i, key, serializable, "--print-value-only");
        if (r.exitCode() == 0 && r.stdout().equals(value + "\n")) return null;
        return members.get(i).name() + (serializable ? " (serializable)" : " (linearizable)") + " get " + key
                + " -> exit " + r.exitCode() + " stdout=" + r.stdout().strip() + " stderr=" + r.stderr().strip();
    }

    /**
     * Reads prefix from member i and returns null if every expected key has its value, else what is
     * missing or wrong (first few).
     */
    public String prefixMismatch(int i, String prefix, java.util.Map<String, String> expected, boolean serializable) {
        Etcdctl.Result r = get(i, prefix, serializable, "--prefix");
        if (r.exitCode() != 0) return members.get(i).name() + ": exit " + r.exitCode() + " " + r.stderr().strip();
        java.util.Map<String, String> present = new java.util.HashMap<>();
        List<String> lines = r.lines();
        for (int k = 0; k + 1 < lines.size(); k += 2) present.put(lines.get(k), lines.get(k + 1));
        List<String> bad = new ArrayList<>();
        for (var e : expected.entrySet()) {
            if (!e.getValue().equals(present.get(e.getKey()))) {
                bad.add(e.getKey() + "=" + present.get(e.getKey()) + " (want " + e.getValue() + ")");
            }
        }
        if (bad.isEmpty()) return null;
        return members.get(i).name() + ": " + bad.size() + " of " + expected.size() + " acknowledged keys missing/wrong, e.g. "
                + bad.subList(0, Math.min(5, bad.size()));
    }

    // --- runtime reconfiguration (etcd's runtime-configuration guide, commands as an operator types them) ---

    /** The member ID (hex, as etcdctl prints it) of member i, from {@code member list} by its peer URL. */
    public String memberIdHex(int i, int via) {
        Etcdctl.Result r = ctl(via).run("member", "list");
        for (String line : r.lines()) {
            String[] f = line.split(",\\s*");
            if (f.length >= 4 && f[3].equals(members.get(i).peerUrl())) return f[0];
        }
        throw new AssertionError("member " + members.get(i).name() + " not in member list via "
                + members.get(via).name() + ": " + r.stdout() + r.stderr());
    }

    /**
     * {@code etcdctl member add NAME --peer-urls=URL [--learner]} through member via, retried while the cluster
     * answers "unhealthy cluster" (etcd wants every member connected for 5 s first), then the new member is
     * started with the printed ETCD_INITIAL_CLUSTER and {@code --initial-cluster-state existing} and awaited.
     * Returns the new member's index.
     */
    public int addMember(String name, boolean learner, int via, String... extraFlags) {
        int[] ports = ServerProcess.freePorts(2);
        int client = ports[0];
        int peer = ports[1];
        String peerUrl = "http://127.0.0.1:" + peer;
        List<String> args = new ArrayList<>(List.of("member", "add", name, "--peer-urls=" + peerUrl));
        if (learner) args.add("--learner");
        Etcdctl.Result added = retryWhileUnhealthy(via, args.toArray(String[]::new));
        String initialCluster = null;
        for (String line : added.lines()) {
            if (line.startsWith("ETCD_INITIAL_CLUSTER=")) {
                initialCluster = line.substring("ETCD_INITIAL_CLUSTER=".length()).replace("\"", "");
            }
        }
        if (initialCluster == null) throw new AssertionError("no ETCD_INITIAL_CLUSTER in: " + added.stdout());
        try {
            Path data = dir.resolve(name).resolve("data");
            Files.createDirectories(data.getParent());
            List<String> flags = memberFlags(name, data, "http://127.0.0.1:" + client, peerUrl, initialCluster,
                    "existing");
            flags.addAll(List.of(extraFlags));
            ServerProcess m = ServerProcess.withFlags(kind, name, data,
                    dir.resolve(name).resolve(kind.label() + ".log"), client, peer, flags);
            members.add(m);
            m.start();
            return members.size() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code etcdctl member remove ID} of member i through member via (retried while "unhealthy cluster"). */
    public Etcdctl.Result removeMember(int i, int via) {
        return retryWhileUnhealthy(via, "member", "remove", memberIdHex(i, via));
    }

    /**
     * The second half of etcd's "replace a failed member" after {@link #removeMember}: waits (bounded) for member i's
     * process to exit (a removed member stops itself), wipes its data dir, adds a new member under the same name
     * and peer URL through member via ({@code member add}), starts it in the same place with the printed
     * ETCD_INITIAL_CLUSTER and {@code --initial-cluster-state existing}, and waits until it is ready.
     */
    public void replaceRemoved(int i, int via) {
        ServerProcess old = members.get(i);
        String exited = Await.until(Duration.ofSeconds(30), Duration.ofMillis(100),
                () -> old.isAlive() ? "still running" : null);
        if (exited != null) {
            throw new AssertionError(old.name() + " did not exit within 30 s of its removal; log tail:\n"
                    + old.logSinceLaunch().lines().reduce((a, b) -> b).orElse(""));
        }
        Etcdctl.Result added = retryWhileUnhealthy(via, "member", "add", old.name(),
                "--peer-urls=" + old.peerUrl());
        String initialCluster = added.lines().stream()
                .filter(l -> l.startsWith("ETCD_INITIAL_CLUSTER="))
                .map(l -> l.substring("ETCD_INITIAL_CLUSTER=".length()).replace("\"", ""))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ETCD_INITIAL_CLUSTER in: " + added.stdout()));
        try {
            ServerProcess.deleteRecursively(old.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerProcess fresh = old.withFlagsReplaced(memberFlags(old.name(), old.dataDir(), old.clientUrl(),
                old.peerUrl(), initialCluster, "existing"));
        members.set(i, fresh);
        fresh.start();
    }

    /** Runs etcdctl against member via, again while the answer is "unhealthy cluster" (bounded: 60 s). */
    public Etcdctl.Result retryWhileUnhealthy(int via, String... args) {
        Etcdctl.Result[] last = new Etcdctl.Result[1];
        Await.until(Duration.ofSeconds(60), Duration.ofMillis(500), () -> {
            last[0] = ctl(via).run(args);
            return last[0].exitCode() != 0 && last[0].stderr().contains("unhealthy cluster") ? "unhealthy cluster" : null;
        });
        return last[0].ok();
    }

    public static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    public String logs() {
        StringBuilder sb = new StringBuilder();
        for (ServerProcess m : members) sb.append("--- ").append(m.name()).append(" (").append(m.logFile()).append(")\n")
                .append(m.logTail(0)).append('\n');
        return sb.toString();
    }

    @Override
    public void close() {
        for (ServerProcess m : members) {
            try { m.sigcont(); } catch (RuntimeException | Error ignored) { }
        }
        // kill -9 is enough for a test cluster and keeps teardown fast; close() then double-checks
        AssertionError firstFailure = null;
        for (ServerProcess m : members) {
            try { m.kill9(); } catch (RuntimeException | Error e) { if (firstFailure == null) firstFailure = new AssertionError(e); }
        }
        for (ServerProcess m : members) {
            try { m.close(); } catch (RuntimeException | Error e) { if (firstFailure == null) firstFailure = new AssertionError(e); }
        }
        if (firstFailure != null) throw firstFailure;
    }

    @Override
    public String toString() {
        return kind.label() + " cluster " + allEndpoints();
    }
}
