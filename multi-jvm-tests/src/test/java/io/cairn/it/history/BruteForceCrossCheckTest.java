package io.cairn.it.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.history.KeyResult.Verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Differential test: on tiny random (mostly non-linearizable) histories the WGL search must agree with a brute-force
 * enumeration of every real-time-respecting order straight from the definition (Herlihy &amp; Wing), every
 * indeterminate operation either placed or dropped.
 */
class BruteForceCrossCheckTest {

    static final String[] VALUES = {null, "a", "b"};

    @Test
    void wglAgreesWithBruteForce() {
        Random random = new Random(7);
        LinearizabilityChecker checker = new LinearizabilityChecker();
        int ok = 0;
        int illegal = 0;
        for (int round = 0; round < 3000; round++) {
            List<Operation> ops = randomHistory(random, 1 + random.nextInt(6));
            boolean expected = bruteForce(RegisterModel.INITIAL_STATE, relevant(ops));
            KeyResult r = checker.checkKey("k", ops);
            assertEquals(expected ? Verdict.OK : Verdict.ILLEGAL, r.verdict(), () -> ops + "\n" + r.explain(20));
            if (expected) ok++; else illegal++;
        }
        assertTrue(ok > 300 && illegal > 300, ok + " OK, " + illegal + " ILLEGAL");
    }

    static List<Operation> randomHistory(Random random, int n) {
        List<Operation> ops = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            long invoke = random.nextInt(10);
            long complete = invoke + random.nextInt(6);
            String v = VALUES[1 + random.nextInt(2)];
            Operation op = switch (random.nextInt(3)) {
                case 0 -> Operation.read(id, id, "k", VALUES[random.nextInt(3)], invoke, complete);
                case 1 -> Operation.write(id, id, "k", v, invoke, complete);
                default -> Operation.cas(id, id, "k", VALUES[random.nextInt(3)], v, random.nextBoolean(), invoke,
                        complete);
            };
            int status = random.nextInt(8);
            if (status == 0) op = op.failed();
            else if (status == 1) op = op.indeterminate();
            ops.add(op);
        }
        return ops;
    }

    static List<Operation> relevant(List<Operation> ops) {
        return ops.stream().filter(RegisterModel::constrains).toList();
    }

    /** Some op may go next iff no other remaining op completed strictly before it was invoked. */
    static boolean bruteForce(String state, List<Operation> remaining) {
        if (remaining.stream().allMatch(Operation::isIndeterminate)) return true;
        for (Operation op : remaining) {
            boolean minimal = remaining.stream().noneMatch(o -> o.completeNanos() < op.invokeNanos());
            if (!minimal) continue;
            RegisterModel.Next next = RegisterModel.step(state, op);
            if (!next.legal()) continue;
            List<Operation> rest = new ArrayList<>(remaining);
            rest.remove(op);
            if (bruteForce(next.state(), rest)) return true;
        }
        return false;
    }
}
