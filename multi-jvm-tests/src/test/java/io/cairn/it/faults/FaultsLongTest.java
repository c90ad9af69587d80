package io.cairn.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.cairn.it.ServerProcess;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Long mode: a randomized, seeded fault schedule for {@code -Dcairn.faults.minutes=N} minutes (random faults of
 * every type, 1-8 s each, 1-4 s apart) under every workload, then the same final checks as the smoke. Off unless
 * the property is set; {@code -Dcairn.faults.seed=S} replays a schedule's choices, {@code -Dcairn.faults.members=5}
 * runs five members. See the README for the command.
 */
@Tag("faults")
@EnabledIfSystemProperty(named = "cairn.faults.minutes", matches = "[0-9]+")
class FaultsLongTest {

    @BeforeAll
    static void requireNamespaces() {
        assertNull(FaultNetwork.unavailableReason());
        FaultNetwork.cleanUp(8);
    }

    @AfterAll
    static void cleanUp() {
        FaultNetwork.cleanUp(8);
    }

    @Test
    void randomizedSchedule() {
        long minutes = Long.getLong("cairn.faults.minutes");
        int members = Integer.getInteger("cairn.faults.members", 3);
        long seed = FaultsSmokeTest.seed();
        System.out.println("cairn-faults long: " + minutes + " min, " + members + " members, seed " + seed
                + " (-Dcairn.faults.seed=" + seed + " replays the choices)");
        FaultRun run = new FaultRun(FaultsSmokeTest.server(), members, seed,
                ServerProcess.moduleTarget().resolve("it/faults/long-" + FaultsSmokeTest.server().label()));
        // bounded: the schedule, plus the final restart and checks
        FaultRun.Result r = assertTimeoutPreemptively(Duration.ofMinutes(minutes + 20),
                () -> run.run(FaultRun.randomUntil(Duration.ofMinutes(minutes)), FaultsSmokeTest.workloads(seed)));
        assertEquals(List.of(), r.anomalies(), r.summary() + "; artifacts in " + r.dir());
    }
}
