package io.cairn.it.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Corruptions of a simulated history (unique written values) that make it provably non-linearizable by changing
 * the value one OK read returned.
 */
final class Mutations {

    private Mutations() { }

    /** The history with {@code read} replaced by a copy returning {@code value}. */
    static List<Operation> withRead(List<Operation> history, Operation read, String value) {
        List<Operation> out = new ArrayList<>(history);
        out.set(out.indexOf(read), read.withReadValue(value));
        return out;
    }

    static List<Operation> okReads(List<Operation> history) {
        return history.stream().filter(op -> op.kind() == Operation.Kind.READ && op.status() == Operation.Status.OK)
                .toList();
    }

    private static boolean installed(Operation op) {
        return op.status() == Operation.Status.OK
                && (op.kind() == Operation.Kind.WRITE || (op.kind() == Operation.Kind.CAS && op.casSucceeded()));
    }

    /**
     * A stale read: some read made to return the value of a write W that was overwritten, in real time, before
     * the read began (W completed before a successful write W2 was invoked, W2 completed before the read). Null
     * if the history has no such read.
     */
    static List<Operation> staleRead(List<Operation> history, Random random) {
        List<Operation[]> candidates = new ArrayList<>(); // {read, W}
        for (Operation r : okReads(history)) {
            long latestOverwriteInvokeNanos = Long.MIN_VALUE;
            for (Operation w2 : history) {
                if (w2.key().equals(r.key()) && installed(w2) && w2.completeNanos() < r.invokeNanos()) {
                    latestOverwriteInvokeNanos = Math.max(latestOverwriteInvokeNanos, w2.invokeNanos());
                }
            }
            for (Operation w : history) {
                if (w.key().equals(r.key()) && installed(w) && w.completeNanos() < latestOverwriteInvokeNanos) {
                    candidates.add(new Operation[] {r, w});
                }
            }
        }
        if (candidates.isEmpty()) return null;
        Operation[] pick = candidates.get(random.nextInt(candidates.size()));
        return withRead(history, pick[0], pick[1].newValue());
    }

    /** A read made to return a value whose only writer was invoked after the read completed. Null if none. */
    static List<Operation> futureRead(List<Operation> history, Random random) {
        List<Operation[]> candidates = new ArrayList<>();
        for (Operation r : okReads(history)) {
            for (Operation w : history) {
                if (w.key().equals(r.key()) && w.kind() != Operation.Kind.READ && w.invokeNanos() > r.completeNanos()) {
                    candidates.add(new Operation[] {r, w});
                    break; // one per read keeps the list small
                }
            }
        }
        if (candidates.isEmpty()) return null;
        Operation[] pick = candidates.get(random.nextInt(candidates.size()));
        return withRead(history, pick[0], pick[1].newValue());
    }

    /** A read made to return a value nobody wrote. Null if the history has no OK read. */
    static List<Operation> ghostRead(List<Operation> history, Random random) {
        List<Operation> reads = okReads(history);
        if (reads.isEmpty()) return null;
        return withRead(history, reads.get(random.nextInt(reads.size())), "ghost");
    }
}
