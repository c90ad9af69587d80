package io.cairn.it.history;

import java.util.List;

/**
 * Verdict for one key's sub-history.
 *
 * @param longestPrefix   the longest sequence of operations the search managed to linearize, in linearization
 *                        order (the full linearization when OK; for ILLEGAL, the point where it got stuck)
 * @param statesAfter     register value after each operation of {@code longestPrefix} (null = absent)
 * @param blocking        for ILLEGAL: the not-yet-linearized determinate operations that complete first after
 *                        the prefix (one of them had to be linearized next, none could); empty otherwise
 * @param operations      number of operations of this key the search considered
 * @param searchSteps     WGL iterations done
 * @param elapsedNanos    search time
 */
public record KeyResult(String key, Verdict verdict, List<Operation> longestPrefix, List<String> statesAfter,
                        List<Operation> blocking, int operations, long searchSteps, long elapsedNanos) {

    public enum Verdict { OK, ILLEGAL, UNKNOWN }

    /** Human-readable explanation; shows the last {@code maxPrefixOps} operations of the prefix. */
    public String explain(int maxPrefixOps) {
        StringBuilder sb = new StringBuilder();
        sb.append("key ").append(Operation.show(key)).append(": ").append(verdict).append(" (")
                .append(operations).append(" ops, ").append(searchSteps).append(" steps, ")
                .append(elapsedNanos / 1_000_000).append(" ms)");
        if (verdict == Verdict.OK) return sb.toString();
        sb.append("\n  longest linearizable prefix: ").append(longestPrefix.size()).append(" of ").append(operations)
                .append(" ops");
        int from = Math.max(0, longestPrefix.size() - maxPrefixOps);
        if (from > 0) sb.append("\n    ... ").append(from).append(" earlier ops");
        for (int i = from; i < longestPrefix.size(); i++) {
            sb.append("\n    ").append(longestPrefix.get(i)).append("   => ").append(Operation.show(statesAfter.get(i)));
        }
        String state = statesAfter.isEmpty() ? null : statesAfter.get(statesAfter.size() - 1);
        if (!blocking.isEmpty()) {
            sb.append("\n  register then holds ").append(Operation.show(state))
                    .append("; none of these can be linearized next:");
            for (Operation op : blocking) sb.append("\n    ").append(op);
        }
        return sb.toString();
    }
}
