package io.cairn.it.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.history.KeyResult.Verdict;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Hand-written register histories, small enough to check by eye (times are plain integers). */
class LinearizabilityCheckerTest {

    static final LinearizabilityChecker CHECKER = new LinearizabilityChecker();

    static CheckResult check(Ops h) {
        return CHECKER.check(h.list());
    }

    static void assertOk(Ops h) {
        CheckResult r = check(h);
        assertEquals(Verdict.OK, r.verdict(), r::explain);
    }

    static CheckResult assertIllegal(Ops h) {
        CheckResult r = check(h);
        assertEquals(Verdict.ILLEGAL, r.verdict(), r::explain);
        return r;
    }

    // ---- linearizable

    @Test
    void emptyHistoryAndInitialAbsentRead() {
        assertEquals(Verdict.OK, CHECKER.check(List.of()).verdict());
        Ops h = new Ops();
        h.read(0, "k", null, 0, 1);
        h.write(0, "k", "a", 2, 3);
        h.read(1, "k", "a", 4, 5);
        assertOk(h);
    }

    @Test
    void concurrentWritesWithReadsSeeingEitherOrder() {
        // a and b overlap; readers after both may see whichever was linearized last, consistently
        for (String last : List.of("a", "b")) {
            String first = last.equals("a") ? "b" : "a";
            Ops h = new Ops();
            h.write(0, "k", "a", 0, 10);
            h.write(1, "k", "b", 1, 11);
            h.read(2, "k", first, 2, 5);   // inside both writes: the first one already applied
            h.read(2, "k", last, 12, 13);
            h.read(3, "k", last, 14, 15);
            assertOk(h);
        }
    }

    @Test
    void readConcurrentWithWriteMaySeeOldOrNew() {
        for (String seen : new String[] {"old", "new"}) {
            Ops h = new Ops();
            h.write(0, "k", "old", 0, 1);
            h.write(0, "k", "new", 2, 10);
            h.read(1, "k", seen, 3, 4);
            assertOk(h);
        }
    }

    @Test
    void casChain() {
        Ops h = new Ops();
        h.cas(0, "k", null, "0", true, 0, 1);  // create if absent
        h.cas(0, "k", "0", "1", true, 2, 3);
        h.cas(1, "k", "1", "2", true, 4, 10);
        h.cas(2, "k", "1", "3", false, 5, 11); // concurrent with the successful 1->2: lost the race
        h.cas(2, "k", "9", "4", false, 12, 13);
        h.read(1, "k", "2", 14, 15);
        assertOk(h);
    }

    @Test
    void indeterminateWriteThatHappened() {
        Ops h = new Ops();
        h.write(0, "k", "a", 0, 1);
        h.indeterminateWrite(1, "k", "b", 2);
        h.read(2, "k", "b", 100, 101);
        assertOk(h);
    }

    @Test
    void indeterminateWriteThatDidNotHappen() {
        Ops h = new Ops();
        h.write(0, "k", "a", 0, 1);
        h.indeterminateWrite(1, "k", "b", 2);
        h.read(2, "k", "a", 100, 101);
        h.read(2, "k", "a", 102, 103);
        assertOk(h);
    }

    @Test
    void indeterminateWriteMayTakeEffectLongAfterItsInvocation() {
        Ops h = new Ops();
        h.indeterminateWrite(1, "k", "late", 0);
        h.write(0, "k", "a", 10, 11);
        h.read(2, "k", "a", 12, 13);
        h.read(2, "k", "late", 20, 21); // applied between the two reads, after a
        assertOk(h);
    }

    @Test
    void indeterminateCasMayOrMayNotApply() {
        Ops h = new Ops();
        h.write(0, "k", "a", 0, 1);
        h.indeterminateCas(1, "k", "a", "b", 2);
        h.read(2, "k", "b", 10, 11);
        assertOk(h);

        Ops g = new Ops();
        g.write(0, "k", "a", 0, 1);
        g.indeterminateCas(1, "k", "zzz", "b", 2); // compare can never hold: b is never visible
        g.read(2, "k", "b", 10, 11);
        assertIllegal(g);
    }

    @Test
    void failedAndTimedOutReadsConstrainNothing() {
        Ops h = new Ops();
        h.write(0, "k", "a", 0, 1);
        h.replaceLast(h.read(1, "k", "garbage", 2, 3).failed());
        h.replaceLast(h.read(1, "k", "garbage", 4, 5).indeterminate());
        h.read(1, "k", "a", 6, 7);
        assertOk(h);
    }

    // ---- not linearizable

    @Test
    void staleReadAfterCompletedWrite() {
        Ops h = new Ops();
        h.write(0, "k", "a", 0, 1);
        h.write(0, "k", "b", 2, 3);
        Operation stale = h.read(1, "k", "a", 4, 5);
        KeyResult k = assertIllegal(h).keys().get(0);
        assertEquals("k", k.key());
        assertEquals(2, k.longestPrefix().size(), k.explain(10));
        assertEquals("b", k.statesAfter().get(1));
        assertTrue(k.blocking().contains(stale), k.explain(10));
        assertTrue(k.explain(10).contains("longest linearizable prefix: 2 of 3"), k.explain(10));
    }

    @Test
    void readOfValueNeverWritten() {
        Ops h = new Ops();
        h.write(0, "k", "a", 0, 1);
        h.read(1, "k", "ghost", 2, 3);
        assertIllegal(h);
    }

    @Test
    void readOfFailedWrite() {
        Ops h = new Ops();
        h.write(0, "k", "a", 0, 1);
        h.replaceLast(h.write(0, "k", "b", 2, 3).failed());
        h.read(1, "k", "b", 4, 5);
        assertIllegal(h);
    }

    @Test
    void absentAfterCompletedWrite() {
        Ops h = new Ops();
        h.write(0, "k", "a", 0, 1);
        h.read(1, "k", null, 2, 3);
        assertIllegal(h);
    }

    @Test
    void twoSuccessfulCasFromTheSameExpectedValue() {
        Ops h = new Ops();
        h.write(0, "k", "0", 0, 1);
        h.cas(1, "k", "0", "1", true, 2, 10);
        h.cas(2, "k", "0", "2", true, 3, 11); // concurrent, but only one can see 0
        assertIllegal(h);
    }

    @Test
    void casFailureWhenCompareMustHaveHeld() {
        Ops h = new Ops();
        h.write(0, "k", "0", 0, 1);
        h.cas(1, "k", "0", "1", false, 2, 3);
        assertIllegal(h);
    }

    @Test
    void newThenOldRead() {
        // the write of b overlaps both reads, but once a read saw b a later read cannot see a again
        Ops h = new Ops();
        h.write(0, "k", "a", 0, 1);
        h.write(0, "k", "b", 2, 100);
        h.read(1, "k", "b", 3, 4);
        h.read(2, "k", "a", 5, 6);
        assertIllegal(h);
    }

    @Test
    void indeterminateWriteSeenThenUnseen() {
        Ops h = new Ops();
        h.write(0, "k", "a", 0, 1);
        h.indeterminateWrite(1, "k", "b", 2);
        h.read(2, "k", "b", 10, 11);
        h.read(2, "k", "a", 12, 13);
        assertIllegal(h);
    }

    // ---- partitioning, budget

    @Test
    void keysAreIndependentRegisters() {
        Ops h = new Ops();
        h.write(0, "x", "1", 0, 1);
        h.write(0, "y", "2", 2, 3);
        h.read(1, "x", "1", 4, 5); // y's later write does not hide x's value
        h.read(1, "y", "2", 4, 5);
        assertOk(h);

        h.read(2, "y", "1", 6, 7); // x's value read on y
        CheckResult r = assertIllegal(h);
        assertEquals(2, r.keys().size());
        assertEquals(Verdict.OK, r.keys().get(0).verdict());      // x
        assertEquals(Verdict.ILLEGAL, r.keys().get(1).verdict()); // y
        assertTrue(r.explain().contains("key 'y': ILLEGAL"), r.explain());
        assertTrue(!r.explain().contains("key 'x'"), r.explain());
    }

    @Test
    void exhaustedBudgetIsUnknownNeverOk() {
        // 24 concurrent indeterminate writes and a read of a value none wrote: proving ILLEGAL means trying
        // every subset/order of the writes, far more than the ~1000 steps a zero budget allows
        Ops h = new Ops();
        for (int i = 0; i < 24; i++) h.indeterminateWrite(i, "k", "w" + i, i);
        h.read(99, "k", "ghost", 100, 101);
        CheckResult r = new LinearizabilityChecker(Duration.ZERO, Long.MAX_VALUE).check(h.list());
        assertEquals(Verdict.UNKNOWN, r.verdict(), r::explain);

        CheckResult capped = new LinearizabilityChecker(Duration.ofMinutes(1), 100).check(h.list());
        assertEquals(Verdict.UNKNOWN, capped.verdict(), capped::explain);
    }
}
