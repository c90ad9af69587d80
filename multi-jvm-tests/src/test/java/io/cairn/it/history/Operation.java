package io.cairn.it.history;

import java.util.Objects;

/**
 * One client operation on one key's register, as seen by the client: what it asked (kind and inputs), what it
 * got back (output), and when (invocation and completion, {@link System#nanoTime()} values).
 *
 * <p>Inputs: {@code newValue} for WRITE and CAS, {@code expectedValue} for CAS ({@code null} = "key absent").
 * Outputs: {@code readValue} for READ ({@code null} = key absent), {@code casSucceeded} for CAS.
 *
 * <p>Status:
 * <ul>
 * <li>{@link Status#OK}: the store answered; the outputs are what it answered (a CAS whose compare failed is OK
 *     with {@code casSucceeded == false}).</li>
 * <li>{@link Status#FAIL}: definitely did not take effect (an error proving the request was never applied).</li>
 * <li>{@link Status#INDETERMINATE}: e.g. a timeout. It may or may not take effect, at any time after its
 *     invocation, so its completion is +infinity ({@link #INFINITY_NANOS}); outputs are unknown.</li>
 * </ul>
 *
 * @param id            unique within its {@link History} (for dumps and explanations; the checker does not rely on it)
 * @param clientId      the client (thread / process) that issued it
 * @param invokeNanos   nanoTime just before the request was sent
 * @param completeNanos nanoTime just after the response arrived; {@link #INFINITY_NANOS} if INDETERMINATE
 */
public record Operation(long id, int clientId, String key, Kind kind, String expectedValue, String newValue,
                        String readValue, boolean casSucceeded, long invokeNanos, long completeNanos,
                        Status status) {

    /** Completion time of an indeterminate operation. */
    public static final long INFINITY_NANOS = Long.MAX_VALUE;

    public enum Kind { READ, WRITE, CAS }

    public enum Status { OK, FAIL, INDETERMINATE }

    public Operation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        if (kind != Kind.READ && newValue == null) throw new IllegalArgumentException(kind + " needs a newValue");
        if (status == Status.INDETERMINATE) {
            completeNanos = INFINITY_NANOS;
        } else if (completeNanos < invokeNanos) {
            throw new IllegalArgumentException("completes (" + completeNanos + ") before invocation (" + invokeNanos
                    + "): " + kind + " " + key);
        }
    }

    public static Operation read(long id, int clientId, String key, String readValue, long invokeNanos,
                                 long completeNanos) {
        return new Operation(id, clientId, key, Kind.READ, null, null, readValue, false, invokeNanos, completeNanos,
                Status.OK);
    }

    public static Operation write(long id, int clientId, String key, String newValue, long invokeNanos,
                                  long completeNanos) {
        return new Operation(id, clientId, key, Kind.WRITE, null, newValue, null, false, invokeNanos, completeNanos,
                Status.OK);
    }

    public static Operation cas(long id, int clientId, String key, String expectedValue, String newValue,
                                boolean casSucceeded, long invokeNanos, long completeNanos) {
        return new Operation(id, clientId, key, Kind.CAS, expectedValue, newValue, null, casSucceeded, invokeNanos,
                completeNanos, Status.OK);
    }

    /** The same request, but definitely not applied. */
    public Operation failed() {
        return new Operation(id, clientId, key, kind, expectedValue, newValue, null, false, invokeNanos,
                completeNanos, Status.FAIL);
    }

    /** The same request, but with unknown outcome (completion +infinity, outputs cleared). */
    public Operation indeterminate() {
        return new Operation(id, clientId, key, kind, expectedValue, newValue, null, false, invokeNanos,
                INFINITY_NANOS, Status.INDETERMINATE);
    }

    /** The same operation with another read result (for tests that corrupt a history). */
    public Operation withReadValue(String value) {
        return new Operation(id, clientId, key, kind, expectedValue, newValue, value, casSucceeded, invokeNanos,
                completeNanos, status);
    }

    public boolean isIndeterminate() {
        return status == Status.INDETERMINATE;
    }

    /** Compact form for explanations, e.g. {@code #12 c3 CAS k [a->b]=true @100..250 OK}. */
    @Override
    public String toString() {
        String what = switch (kind) {
            case READ -> "READ " + key + (status == Status.OK ? " -> " + show(readValue) : "");
            case WRITE -> "WRITE " + key + " := " + show(newValue);
            case CAS -> "CAS " + key + " [" + show(expectedValue) + " -> " + show(newValue) + "]"
                    + (status == Status.OK ? " = " + casSucceeded : "");
        };
        String end = completeNanos == INFINITY_NANOS ? "inf" : Long.toString(completeNanos);
        return "#" + id + " c" + clientId + " " + what + " @" + invokeNanos + ".." + end + " " + status;
    }

    static String show(String value) {
        return value == null ? "<absent>" : "'" + value + "'";
    }
}
