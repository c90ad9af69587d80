package io.cairn.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.it.ServerProcess;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bounded fault-injection smoke run by {@code mvn verify}: a 3-member cluster in network namespaces, every
 * workload running throughout, every fault type injected once (each held 4 s), then a full kill -9 and restart
 * and every check. Server: {@code -Dcairn.faults.server=cairn} (default) or {@code etcd} (to check the harness
 * against the reference). Leave it out with {@code -Dcairn.it.excludedGroups=faults}.
 */
@Tag("faults")
class FaultsSmokeTest {

    static final List<Nemesis.Fault> SMOKE = List.of(
            Nemesis.Fault.KILL_FOLLOWER, Nemesis.Fault.PAUSE_FOLLOWER, Nemesis.Fault.PARTITION_LEADER,
            Nemesis.Fault.KILL_LEADER, Nemesis.Fault.PAUSE_LEADER, Nemesis.Fault.PARTITION_MAJORITY_MINORITY,
            Nemesis.Fault.PEER_LOSS, Nemesis.Fault.PARTITION_BRIDGE, Nemesis.Fault.MEMBER_REPLACE,
            Nemesis.Fault.KILL_MAJORITY, Nemesis.Fault.KILL_ALL);

    @BeforeAll
    static void requireNamespaces() {
        assumeTrue("root".equals(System.getProperty("user.name")), "fault injection needs root (network namespaces)");
        assertNull(FaultNetwork.unavailableReason());
        FaultNetwork.cleanUp(8);
    }

    @AfterAll
    static void cleanUp() {
        FaultNetwork.cleanUp(8);
    }

    static ServerProcess.Kind server() {
        return ServerProcess.Kind.valueOf(System.getProperty("cairn.faults.server", "cairn").toUpperCase());
    }

    static long seed() {
        return Long.getLong("cairn.faults.seed", System.nanoTime());
    }

    static List<Workload> workloads(long seed) {
        Duration opTimeout = Duration.ofSeconds(2);
        return List.of(
                new RegisterWorkload(4, 3, Duration.ofSeconds(20), opTimeout, seed),
                new LostWritesWorkload(2, 32, opTimeout),
                new WatchWorkload(),
                new LeaseWorkload());
    }

    @Test
    @Timeout(value = 9, unit = TimeUnit.MINUTES)
    void everyFaultOnceUnderEveryWorkload() {
        long seed = seed();
        System.out.println("cairn-faults smoke: seed " + seed + " (-Dcairn.faults.seed=" + seed + " replays the choices)");
        FaultRun run = new FaultRun(server(), 3, seed,
                ServerProcess.moduleTarget().resolve("it/faults/smoke-" + server().label()));
        FaultRun.Result r = run.run(FaultRun.fixed(SMOKE, Duration.ofSeconds(4), Duration.ofSeconds(2)),
                workloads(seed));
        assertEquals(List.of(), r.anomalies(), r.summary() + "; artifacts in " + r.dir());
    }
}
