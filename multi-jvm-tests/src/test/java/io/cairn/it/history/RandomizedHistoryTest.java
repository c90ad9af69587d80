package io.cairn.it.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.history.KeyResult.Verdict;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Seeded, deterministic: histories simulated from a real register must be accepted; the same histories with one
 * read corrupted into an impossible value must be rejected.
 */
class RandomizedHistoryTest {

    static final int SEEDS = 300;
    static final RegisterSimulator.Config SMALL = new RegisterSimulator.Config(4, 3, 120, 0.05, 0.05);

    final LinearizabilityChecker checker = new LinearizabilityChecker();

    @Test
    void simulatedHistoriesAreLinearizableAndCorruptedOnesAreNot() {
        int stale = 0;
        int future = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            List<Operation> history = RegisterSimulator.generate(SMALL, seed);
            CheckResult ok = checker.check(history);
            assertEquals(Verdict.OK, ok.verdict(), "seed " + seed + ": " + ok.explain());

            Random random = new Random(seed);
            List<Operation> corrupted = switch ((int) (seed % 3)) {
                case 0 -> Mutations.staleRead(history, random);
                case 1 -> Mutations.futureRead(history, random);
                default -> null;
            };
            if (corrupted != null && seed % 3 == 0) stale++;
            if (corrupted != null && seed % 3 == 1) future++;
            if (corrupted == null) corrupted = Mutations.ghostRead(history, random);
            assertNotNull(corrupted, "seed " + seed + " has no OK read");
            CheckResult bad = checker.check(corrupted);
            assertEquals(Verdict.ILLEGAL, bad.verdict(), "seed " + seed + ": " + bad.explain());
        }
        // the interesting corruptions, not just the trivial "ghost" value, must have been exercised
        assertTrue(stale > SEEDS / 6, "only " + stale + " stale-read corruptions");
        assertTrue(future > SEEDS / 6, "only " + future + " future-read corruptions");
    }

    @Test
    void simulatorIsDeterministic() {
        assertEquals(RegisterSimulator.generate(SMALL, 42), RegisterSimulator.generate(SMALL, 42));
        assertNotEquals(RegisterSimulator.generate(SMALL, 42), RegisterSimulator.generate(SMALL, 43));
    }

    /**
     * 2000 operations, 5 clients, 5 keys (with failures and timeouts) must be decided within the default budget.
     * Asserts only that the verdict is not UNKNOWN (wall-clock speed is the budget's business).
     */
    @Test
    void twoThousandOperationsAreDecidedWithinTheBudget() {
        RegisterSimulator.Config big = new RegisterSimulator.Config(5, 5, 2000, 0.02, 0.02);
        for (long seed = 0; seed < 3; seed++) {
            List<Operation> history = RegisterSimulator.generate(big, seed);
            assertEquals(2000, history.size());
            CheckResult ok = checker.check(history);
            assertEquals(Verdict.OK, ok.verdict(), "seed " + seed + ": " + ok.explain());
            assertEquals(5, ok.keys().size());

            List<Operation> corrupted = Mutations.staleRead(history, new Random(seed));
            assertNotNull(corrupted);
            CheckResult bad = checker.check(corrupted);
            assertEquals(Verdict.ILLEGAL, bad.verdict(), "seed " + seed + ": " + bad.explain());
        }
    }
}
