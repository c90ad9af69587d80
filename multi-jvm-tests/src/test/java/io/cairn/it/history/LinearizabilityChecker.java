package io.cairn.it.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a register history for linearizability (Herlihy &amp; Wing), key by key: registers on different keys are
 * independent, and linearizability is local, so the history is linearizable iff each key's sub-history is
 * (Porcupine partitions the same way). Each key gets its own time budget; a key whose search runs out of it is
 * UNKNOWN, never OK.
 *
 * <p>Before searching, operations that constrain nothing are left out ({@link RegisterModel#constrains}): FAIL
 * operations, and reads that failed or timed out.
 */
public final class LinearizabilityChecker {

    /** Default search budget per key. */
    public static final Duration DEFAULT_BUDGET_PER_KEY = Duration.ofSeconds(10);

    /** Default cap on memoized (linearized set, state) pairs per key, a memory bound (UNKNOWN beyond it). */
    public static final long DEFAULT_MAX_MEMO_ENTRIES = 5_000_000;

    private final Duration budgetPerKey;
    private final long maxMemoEntries;

    public LinearizabilityChecker() {
        this(DEFAULT_BUDGET_PER_KEY, DEFAULT_MAX_MEMO_ENTRIES);
    }

    public LinearizabilityChecker(Duration budgetPerKey, long maxMemoEntries) {
        this.budgetPerKey = budgetPerKey;
        this.maxMemoEntries = maxMemoEntries;
    }

    public CheckResult check(History history) {
        return check(history.operations());
    }

    public CheckResult check(Collection<Operation> history) {
        Map<String, List<Operation>> byKey = new TreeMap<>();
        for (Operation op : history) {
            List<Operation> ops = byKey.computeIfAbsent(op.key(), k -> new ArrayList<>());
            if (RegisterModel.constrains(op)) ops.add(op);
        }
        List<KeyResult> results = new ArrayList<>(byKey.size());
        for (var e : byKey.entrySet()) results.add(checkKey(e.getKey(), e.getValue()));
        return CheckResult.of(results);
    }

    /** One key's operations (all on that key), already filtered or not. */
    public KeyResult checkKey(String key, List<Operation> ops) {
        List<Operation> relevant = new ArrayList<>(ops.size());
        for (Operation op : ops) {
            if (!op.key().equals(key)) throw new IllegalArgumentException("not on key " + key + ": " + op);
            if (RegisterModel.constrains(op)) relevant.add(op);
        }
        long deadlineNanos = System.nanoTime() + budgetPerKey.toNanos();
        return new WglSearch(key, relevant, deadlineNanos, maxMemoEntries).run();
    }
}
