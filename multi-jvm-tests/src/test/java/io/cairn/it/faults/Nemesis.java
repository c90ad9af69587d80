package io.cairn.it.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The faults, each real at the process or network level (nothing is simulated inside the member):
 * <ul>
 * <li>kill -9 of a follower, the leader, a majority, all members; healed by starting them again on their data;</li>
 * <li>SIGSTOP of the leader or a follower; healed by SIGCONT;</li>
 * <li>partitions of the peer network ({@link FaultNetwork#cut}): the leader isolated, a majority/minority split,
 *     a bridge (two sides that cannot talk, one member talking to both); healed by removing the rules;</li>
 * <li>packet loss on every member's peer traffic ({@link FaultNetwork#loss});</li>
 * <li>a runtime reconfiguration, etcd's "replace a failed member": {@code member remove} of any member (the leader
 *     too), which then stops itself; healed by {@code member add} of a new member at the same address, started on
 *     an empty data dir with {@code --initial-cluster-state existing} (it catches up from the leader's log or
 *     snapshot).</li>
 * </ul>
 * Adding a fault: a new {@link Fault} constant and its case in {@link #inject}, returning how to heal it.
 */
public final class Nemesis {

    public enum Fault {
        KILL_FOLLOWER, KILL_LEADER, KILL_MAJORITY, KILL_ALL,
        PAUSE_LEADER, PAUSE_FOLLOWER,
        PARTITION_LEADER, PARTITION_MAJORITY_MINORITY, PARTITION_BRIDGE,
        PEER_LOSS,
        MEMBER_REPLACE
    }

    /** An injected fault: what was done, and how to undo it. */
    public record Injected(Fault fault, String description, Runnable heal) { }

    private final FaultCluster cluster;
    private final FaultNetwork net;
    private final Random random;
    private final Duration leaderTimeout = Duration.ofSeconds(60);

    public Nemesis(FaultCluster cluster, FaultNetwork net, Random random) {
        this.cluster = cluster;
        this.net = net;
        this.random = random;
    }

    public Injected inject(Fault fault) {
        int n = cluster.size();
        return switch (fault) {
            case KILL_FOLLOWER -> kill(fault, List.of(follower(leader())));
            case KILL_LEADER -> kill(fault, List.of(leader()));
            case KILL_MAJORITY -> {
                // the leader and enough followers for a majority: the survivors cannot elect anyone
                int leader = leader();
                List<Integer> victims = new ArrayList<>(List.of(leader));
                List<Integer> followers = shuffled(others(leader));
                for (int i = 0; victims.size() < n / 2 + 1; i++) victims.add(followers.get(i));
                yield kill(fault, victims);
            }
            case KILL_ALL -> kill(fault, cluster.all());
            case PAUSE_LEADER -> pause(fault, leader());
            case PAUSE_FOLLOWER -> pause(fault, follower(leader()));
            case PARTITION_LEADER -> {
                int leader = leader();
                yield partition(fault, List.of(leader), others(leader), "leader " + cluster.name(leader) + " isolated");
            }
            case PARTITION_MAJORITY_MINORITY -> {
                // a minority holding a follower (with n=5 also the leader half the time)
                List<Integer> order = shuffled(cluster.all());
                List<Integer> minority = order.subList(0, (n - 1) / 2);
                List<Integer> majority = order.subList((n - 1) / 2, n);
                yield partition(fault, minority, majority, "minority " + names(minority) + " | majority " + names(majority));
            }
            case PARTITION_BRIDGE -> {
                // Jepsen's bridge: two halves that cannot talk to each other, one member in touch with both.
                // The leader is on one side, so it loses half its followers at once.
                int leader = leader();
                List<Integer> order = new ArrayList<>(List.of(leader));
                order.addAll(shuffled(others(leader)));
                int half = (n - 1) / 2;
                List<Integer> a = order.subList(0, half);
                int bridge = order.get(half);
                List<Integer> b = order.subList(half + 1, n);
                yield partition(fault, a, b, names(a) + " | " + names(b) + ", bridge " + cluster.name(bridge));
            }
            case PEER_LOSS -> {
                int percent = 20 + random.nextInt(21);
                for (int i : cluster.all()) net.loss(i, percent);
                yield new Injected(fault, percent + "% loss on every member's peer traffic", net::heal);
            }
            case MEMBER_REPLACE -> {
                int leader = leader();
                List<Integer> all = cluster.all();
                int victim = all.get(random.nextInt(all.size()));
                int via = victim == leader ? others(victim).get(0) : leader;
                cluster.removeMember(victim, via);
                yield new Injected(fault, "member remove " + cluster.name(victim)
                        + (victim == leader ? " (the leader)" : "") + " through " + cluster.name(via)
                        + "; then member add, start on an empty data dir with existing",
                        () -> cluster.replaceRemoved(victim, via));
            }
        };
    }

    private Injected kill(Fault fault, List<Integer> victims) {
        for (int i : victims) cluster.kill9(i);
        return new Injected(fault, "kill -9 " + names(victims), () -> cluster.launchAndAwait(victims));
    }

    private Injected pause(Fault fault, int victim) {
        cluster.sigstop(victim);
        return new Injected(fault, "SIGSTOP " + cluster.name(victim), () -> cluster.sigcont(victim));
    }

    private Injected partition(Fault fault, List<Integer> a, List<Integer> b, String description) {
        net.cut(a, b);
        return new Injected(fault, "partition: " + description, net::heal);
    }

    private int leader() {
        return cluster.leader(leaderTimeout);
    }

    private int follower(int leader) {
        List<Integer> o = others(leader);
        return o.get(random.nextInt(o.size()));
    }

    private List<Integer> others(int excluded) {
        List<Integer> o = new ArrayList<>(cluster.all());
        o.remove(Integer.valueOf(excluded));
        return o;
    }

    private List<Integer> shuffled(List<Integer> l) {
        List<Integer> s = new ArrayList<>(l);
        java.util.Collections.shuffle(s, random);
        return s;
    }

    private String names(List<Integer> l) {
        return l.stream().map(cluster::name).toList().toString();
    }
}
