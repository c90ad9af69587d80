package io.cairn.it.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Linearizability of one key's sub-history against {@link RegisterModel}: the Wing &amp; Gong search with Lowe's
 * memoization, following Porcupine's {@code checkSingle}.
 *
 * <p>Invocations and completions become entries of one doubly linked list in time order (at equal times,
 * invocations first: such operations are treated as concurrent). Walking the list, the search tries to linearize
 * the next invoked operation ("lift" it and its completion out of the list, push it on a stack); on reaching a
 * completion whose operation is not linearized yet, no order of the operations tried so far works: pop and try the
 * next candidate. A (linearized set, register value) pair already explored is never explored again (Lowe).
 *
 * <p>Indeterminate writes/CASes complete at +infinity, so they may be linearized anywhere after their invocation;
 * the search succeeds as soon as every determinate operation is linearized (left-over indeterminate ones are the
 * dropped ones: nothing after them could observe them). An indeterminate step that leaves the register unchanged is
 * not tried (it is equivalent to dropping the operation).
 */
final class WglSearch {

    /** How many search steps between two looks at the clock. */
    private static final int CLOCK_CHECK_STEPS = 1024;

    private static final class Entry {
        final int opIndex;        // -1 for the head sentinel
        final boolean invocation;
        final long timeNanos;
        Entry match;              // invocation <-> completion
        Entry prev;
        Entry next;

        Entry(int opIndex, boolean invocation, long timeNanos) {
            this.opIndex = opIndex;
            this.invocation = invocation;
            this.timeNanos = timeNanos;
        }
    }

    /** Lowe's memo key: which operations are linearized, and the register value they leave. */
    private record Config(BitSet linearized, String state) { }

    private record Frame(Entry invocation, String stateBefore) { }

    private final String key;
    private final List<Operation> ops;
    private final long deadlineNanos;
    private final long maxMemoEntries;

    WglSearch(String key, List<Operation> ops, long deadlineNanos, long maxMemoEntries) {
        this.key = key;
        this.ops = ops;
        this.deadlineNanos = deadlineNanos;
        this.maxMemoEntries = maxMemoEntries;
    }

    KeyResult run() {
        long startNanos = System.nanoTime();
        Entry head = buildList();
        int determinateLeft = (int) ops.stream().filter(op -> !op.isIndeterminate()).count();
        BitSet linearized = new BitSet(ops.size());
        Set<Config> memo = new HashSet<>();
        Deque<Frame> stack = new ArrayDeque<>();
        String state = RegisterModel.INITIAL_STATE;
        List<Frame> longest = List.of();
        long steps = 0;

        Entry entry = head.next;
        while (determinateLeft > 0) {
            if (++steps % CLOCK_CHECK_STEPS == 0
                    && (System.nanoTime() - deadlineNanos > 0 || memo.size() > maxMemoEntries)) {
                return result(KeyResult.Verdict.UNKNOWN, longest, List.of(), steps, startNanos);
            }
            if (entry.invocation) {
                Operation op = ops.get(entry.opIndex);
                RegisterModel.Next next = RegisterModel.step(state, op);
                boolean useless = op.isIndeterminate() && java.util.Objects.equals(next.state(), state);
                if (next.legal() && !useless) {
                    BitSet candidate = (BitSet) linearized.clone();
                    candidate.set(entry.opIndex);
                    if (memo.add(new Config(candidate, next.state()))) {
                        stack.push(new Frame(entry, state));
                        if (stack.size() > longest.size()) longest = snapshot(stack);
                        state = next.state();
                        linearized.set(entry.opIndex);
                        if (!op.isIndeterminate()) determinateLeft--;
                        lift(entry);
                        entry = head.next;
                        continue;
                    }
                }
                entry = entry.next;
            } else {
                // a completion before its operation was linearized: backtrack
                if (stack.isEmpty()) {
                    return result(KeyResult.Verdict.ILLEGAL, longest, blocking(longest), steps, startNanos);
                }
                Frame top = stack.pop();
                Operation undone = ops.get(top.invocation().opIndex);
                if (!undone.isIndeterminate()) determinateLeft++;
                linearized.clear(top.invocation().opIndex);
                state = top.stateBefore();
                unlift(top.invocation());
                entry = top.invocation().next;
            }
        }
        return result(KeyResult.Verdict.OK, snapshot(stack), List.of(), steps, startNanos);
    }

    private Entry buildList() {
        List<Entry> entries = new ArrayList<>(2 * ops.size());
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            Entry call = new Entry(i, true, op.invokeNanos());
            Entry ret = new Entry(i, false, op.completeNanos());
            call.match = ret;
            ret.match = call;
            entries.add(call);
            entries.add(ret);
        }
        // stable sort: by time, invocations before completions at equal times (Porcupine's ordering)
        entries.sort(Comparator.comparingLong((Entry e) -> e.timeNanos).thenComparing(e -> !e.invocation));
        Entry head = new Entry(-1, false, Long.MIN_VALUE);
        Entry last = head;
        for (Entry e : entries) {
            last.next = e;
            e.prev = last;
            last = e;
        }
        return head;
    }

    /** Removes an invocation and its completion from the list (an invocation is never last). */
    private static void lift(Entry call) {
        call.prev.next = call.next;
        call.next.prev = call.prev;
        Entry ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) ret.next.prev = ret.prev;
    }

    /** Undoes {@link #lift}, in reverse order. */
    private static void unlift(Entry call) {
        Entry ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) ret.next.prev = ret;
        call.prev.next = call;
        call.next.prev = call;
    }

    private static List<Frame> snapshot(Deque<Frame> stack) {
        List<Frame> frames = new ArrayList<>(stack);
        java.util.Collections.reverse(frames); // the deque iterates top first
        return frames;
    }

    /** Not-linearized determinate operations that complete first after the prefix, plus those overlapping them. */
    private List<Operation> blocking(List<Frame> prefix) {
        BitSet done = new BitSet(ops.size());
        for (Frame f : prefix) done.set(f.invocation().opIndex);
        List<Operation> rest = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) if (!done.get(i)) rest.add(ops.get(i));
        long firstCompletionNanos = rest.stream().filter(op -> !op.isIndeterminate())
                .mapToLong(Operation::completeNanos).min().orElse(Operation.INFINITY_NANOS);
        return rest.stream().filter(op -> op.invokeNanos() <= firstCompletionNanos)
                .sorted(Comparator.comparingLong(Operation::invokeNanos)).limit(8).toList();
    }

    private KeyResult result(KeyResult.Verdict verdict, List<Frame> prefix, List<Operation> blocking, long steps,
                             long startNanos) {
        List<Operation> order = new ArrayList<>(prefix.size());
        List<String> states = new ArrayList<>(prefix.size());
        String state = RegisterModel.INITIAL_STATE;
        for (Frame f : prefix) {
            Operation op = ops.get(f.invocation().opIndex);
            state = RegisterModel.step(state, op).state();
            order.add(op);
            states.add(state);
        }
        return new KeyResult(key, verdict, order, states, blocking, ops.size(), steps, System.nanoTime() - startNanos);
    }
}
