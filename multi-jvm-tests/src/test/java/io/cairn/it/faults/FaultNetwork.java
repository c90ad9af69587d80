package io.cairn.it.faults;

import io.cairn.it.Commands;
import io.cairn.it.ServerProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The network the fault tests' members live in: one Linux network namespace per member, each with two
 * interfaces, as a production member with a client NIC and a peer NIC:
 * <pre>
 *   root namespace (the test JVM)                     namespace cairnf-mK
 *   bridge cairnf-c (10.77.1.1/24)  ── veth ──  c0 10.77.1.(10+K)   client URLs (:2379)
 *   bridge cairnf-p (no address)    ── veth ──  p0 10.77.2.(10+K)   peer URLs (:2380)
 * </pre>
 * Faults are real packet-level ones, in the kernel of each member's namespace, with nftables (table
 * {@code inet cairnfaults}): a partition drops every packet between two members' peer addresses (silently, as a
 * cut cable: no RST, no ICMP), packet loss drops a random share of a member's peer packets ({@code numgen
 * random}). Client traffic is never touched, so clients still reach a member that is cut off from its peers
 * (the interesting case: an isolated leader must refuse linearizable requests).
 *
 * <p>Added delay would need the netem qdisc (CONFIG_NET_SCH_NETEM), which this kernel does not have; that
 * sub-fault is left out (see README).
 *
 * <p>Needs root, iproute2 and nft (Debian package nftables). {@link #create} first removes whatever a crashed run
 * left behind; {@link #close()} removes everything.
 */
public final class FaultNetwork implements AutoCloseable {

    static final String PREFIX = "cairnf";
    static final String CLIENT_BRIDGE = PREFIX + "-c";
    static final String PEER_BRIDGE = PREFIX + "-p";
    static final String CLIENT_HOST_IP = "10.77.1.1";
    private static final String TABLE = "inet cairnfaults";
    /** Where the ip/nft commands' output is captured. */
    private static final Path WORK = ServerProcess.moduleTarget().resolve("it/faults/net-commands");

    private final int size;

    private FaultNetwork(int size) {
        this.size = size;
    }

    /** Whether this machine can run the namespaced fault tests (root, ip and nft present). */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) return "not root";
        for (String bin : List.of("/usr/sbin/ip", "/usr/sbin/nft")) {
            if (!new java.io.File(bin).canExecute() && !new java.io.File(bin.replace("/usr/sbin", "/sbin")).canExecute()) {
                return bin + " missing (apt-get install -y iproute2 nftables)";
            }
        }
        return null;
    }

    public static FaultNetwork create(int size) {
        cleanUp(8);
        FaultNetwork net = new FaultNetwork(size);
        try {
            run("ip", "link", "add", CLIENT_BRIDGE, "type", "bridge");
            run("ip", "link", "add", PEER_BRIDGE, "type", "bridge");
            run("ip", "addr", "add", CLIENT_HOST_IP + "/24", "dev", CLIENT_BRIDGE);
            run("ip", "link", "set", CLIENT_BRIDGE, "up");
            run("ip", "link", "set", PEER_BRIDGE, "up");
            for (int i = 0; i < size; i++) {
                String ns = ns(i);
                run("ip", "netns", "add", ns);
                run("ip", "-n", ns, "link", "set", "lo", "up");
                veth(ns, PREFIX + "c" + i, "c0", CLIENT_BRIDGE, clientIp(i));
                veth(ns, PREFIX + "p" + i, "p0", PEER_BRIDGE, peerIp(i));
                nft(i, "add table " + TABLE
                        + "\nadd chain " + TABLE + " in { type filter hook input priority 0; policy accept; }"
                        + "\nadd chain " + TABLE + " out { type filter hook output priority 0; policy accept; }");
            }
            return net;
        } catch (RuntimeException | Error e) {
            net.close();
            throw e;
        }
    }

    private static void veth(String ns, String hostSide, String nsSide, String bridge, String ip) {
        run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nsSide, "netns", ns);
        run("ip", "link", "set", hostSide, "master", bridge);
        run("ip", "link", "set", hostSide, "up");
        run("ip", "-n", ns, "addr", "add", ip + "/24", "dev", nsSide);
        run("ip", "-n", ns, "link", "set", nsSide, "up");
    }

    public int size() { return size; }

    public static String ns(int member) { return PREFIX + "-m" + (member + 1); }

    public static String clientIp(int member) { return "10.77.1." + (10 + member); }

    public static String peerIp(int member) { return "10.77.2." + (10 + member); }

    /** The command prefix that runs a program inside member's namespace. */
    public static List<String> exec(int member) {
        return List.of("ip", "netns", "exec", ns(member));
    }

    /** Drops all peer traffic between every member of {@code side} and every member of {@code other}. */
    public void cut(Collection<Integer> side, Collection<Integer> other) {
        for (int a : side) {
            for (int b : other) {
                if (a == b) continue;
                cutOneWay(a, b);
                cutOneWay(b, a);
            }
        }
    }

    private void cutOneWay(int at, int peer) {
        nft(at, "add rule " + TABLE + " out ip daddr " + peerIp(peer) + " drop"
                + "\nadd rule " + TABLE + " in ip saddr " + peerIp(peer) + " drop");
    }

    /** Drops {@code percent}% of member's peer packets, in both directions (the member's own kernel drops them). */
    public void loss(int member, int percent) {
        if (percent <= 0 || percent >= 100) throw new IllegalArgumentException("percent " + percent);
        nft(member, "add rule " + TABLE + " out oifname \"p0\" numgen random mod 100 < " + percent + " drop"
                + "\nadd rule " + TABLE + " in iifname \"p0\" numgen random mod 100 < " + percent + " drop");
    }

    /** Removes every partition and loss rule. */
    public void heal() {
        for (int i = 0; i < size; i++) {
            nft(i, "flush chain " + TABLE + " in\nflush chain " + TABLE + " out");
        }
    }

    /** The rules now in force in member's namespace (for logs). */
    public String rules(int member) {
        return run(List.of("ip", "netns", "exec", ns(member), "nft", "list", "table", "inet", "cairnfaults"), true);
    }

    @Override
    public void close() {
        cleanUp(Math.max(size, 8));
    }

    /** Removes namespaces, veths and bridges of this design (also those of a crashed earlier run). */
    static void cleanUp(int maxMembers) {
        for (int i = 0; i < maxMembers; i++) {
            // deleting a namespace deletes its veth ends, and with them their root-side peers
            run(List.of("ip", "netns", "del", ns(i)), false);
            run(List.of("ip", "link", "del", PREFIX + "c" + i), false);
            run(List.of("ip", "link", "del", PREFIX + "p" + i), false);
        }
        run(List.of("ip", "link", "del", CLIENT_BRIDGE), false);
        run(List.of("ip", "link", "del", PEER_BRIDGE), false);
    }

    private static void nft(int member, String script) {
        run(List.of("ip", "netns", "exec", ns(member), "nft", "-f", "-"), true, script);
    }

    private static void run(String... cmd) {
        run(List.of(cmd), true);
    }

    private static String run(List<String> cmd, boolean check) {
        return run(cmd, check, null);
    }

    private static String run(List<String> cmd, boolean check, String stdin) {
        Commands.Result r = Commands.run(WORK, Duration.ofSeconds(20), Map.of(), stdin, cmd);
        String out = r.stdout() + r.stderr();
        if (check && r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", cmd) + (stdin != null ? " <<< " + stdin : "")
                    + " exited " + r.exitCode() + ": " + out.strip());
        }
        return out;
    }
}
