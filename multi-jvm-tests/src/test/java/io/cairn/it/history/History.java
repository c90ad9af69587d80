package io.cairn.it.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe recorder of a client history. Each client thread calls {@code invoke...} just before sending a
 * request (taking the invocation time) and then exactly one completion method of the returned {@link Call}
 * (taking the completion time). Bounded: beyond {@code maxOperations} invocations it refuses with
 * {@link HistoryFullException}, so a runaway workload cannot exhaust memory or the checker's budget.
 *
 * <p>A call still pending when {@link #operations()} is taken counts as INDETERMINATE (the client never learned
 * its outcome).
 */
public final class History {

    /** Thrown by {@code invoke...} once the history holds its maximum number of operations. */
    public static final class HistoryFullException extends IllegalStateException {
        HistoryFullException(int maxOperations) {
            super("history full: " + maxOperations + " operations");
        }
    }

    private final int maxOperations;
    private final AtomicLong nextId = new AtomicLong();
    private final Queue<Call> calls = new ConcurrentLinkedQueue<>();

    public History(int maxOperations) {
        if (maxOperations <= 0) throw new IllegalArgumentException("maxOperations " + maxOperations);
        this.maxOperations = maxOperations;
    }

    public int maxOperations() {
        return maxOperations;
    }

    public int size() {
        return (int) Math.min(nextId.get(), maxOperations);
    }

    public boolean isFull() {
        return nextId.get() >= maxOperations;
    }

    public Call invokeRead(int clientId, String key) {
        return invoke(clientId, key, Operation.Kind.READ, null, null);
    }

    public Call invokeWrite(int clientId, String key, String newValue) {
        return invoke(clientId, key, Operation.Kind.WRITE, null, newValue);
    }

    /** CAS: set {@code newValue} iff the current value equals {@code expectedValue} (null = key absent). */
    public Call invokeCas(int clientId, String key, String expectedValue, String newValue) {
        return invoke(clientId, key, Operation.Kind.CAS, expectedValue, newValue);
    }

    private Call invoke(int clientId, String key, Operation.Kind kind, String expectedValue, String newValue) {
        long id = nextId.getAndIncrement();
        if (id >= maxOperations) throw new HistoryFullException(maxOperations);
        Call call = new Call(id, clientId, key, kind, expectedValue, newValue, System.nanoTime());
        calls.add(call);
        return call;
    }

    /** Snapshot of all operations in invocation order; pending calls as INDETERMINATE. */
    public List<Operation> operations() {
        List<Operation> ops = new ArrayList<>();
        for (Call c : calls) ops.add(c.operation());
        ops.sort(Comparator.comparingLong(Operation::invokeNanos).thenComparingLong(Operation::id));
        return ops;
    }

    /** Writes {@link #operations()} as JSON lines (one object per operation), e.g. under target/ on failure. */
    public Path dump(Path file) {
        try {
            HistoryJson.write(operations(), file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One invoked request; complete it exactly once. */
    public static final class Call {
        private final long id;
        private final int clientId;
        private final String key;
        private final Operation.Kind kind;
        private final String expectedValue;
        private final String newValue;
        private final long invokeNanos;
        private final AtomicBoolean completed = new AtomicBoolean();
        private volatile Operation outcome;

        private Call(long id, int clientId, String key, Operation.Kind kind, String expectedValue, String newValue,
                     long invokeNanos) {
            this.id = id;
            this.clientId = clientId;
            this.key = key;
            this.kind = kind;
            this.expectedValue = expectedValue;
            this.newValue = newValue;
            this.invokeNanos = invokeNanos;
        }

        /** A READ answered: the value read (null = key absent). */
        public void okRead(String readValue) {
            requireKind(Operation.Kind.READ);
            complete(readValue, false, Operation.Status.OK);
        }

        /** A WRITE acknowledged. */
        public void okWrite() {
            requireKind(Operation.Kind.WRITE);
            complete(null, false, Operation.Status.OK);
        }

        /** A CAS answered: whether its compare held (and the value was set). */
        public void okCas(boolean succeeded) {
            requireKind(Operation.Kind.CAS);
            complete(null, succeeded, Operation.Status.OK);
        }

        /** Definitely not applied (the error proves the request never took effect). */
        public void fail() {
            complete(null, false, Operation.Status.FAIL);
        }

        /** Outcome unknown (timeout, connection lost after sending, ...). */
        public void indeterminate() {
            complete(null, false, Operation.Status.INDETERMINATE);
        }

        private void requireKind(Operation.Kind expected) {
            if (kind != expected) throw new IllegalStateException("call #" + id + " is a " + kind + ", not " + expected);
        }

        private void complete(String readValue, boolean casSucceeded, Operation.Status status) {
            long completeNanos = System.nanoTime();
            if (!completed.compareAndSet(false, true)) throw new IllegalStateException("call #" + id + " completed twice");
            outcome = new Operation(id, clientId, key, kind, expectedValue, newValue, readValue, casSucceeded,
                    invokeNanos, completeNanos, status);
        }

        Operation operation() {
            Operation o = outcome;
            if (o != null) return o;
            return new Operation(id, clientId, key, kind, expectedValue, newValue, null, false, invokeNanos,
                    Operation.INFINITY_NANOS, Operation.Status.INDETERMINATE);
        }
    }
}
