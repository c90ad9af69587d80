package io.cairn.it.history;

import java.util.Objects;

/**
 * Sequential specification of one key: a register holding a value, initially absent ({@code null}).
 * READ returns the current value; WRITE sets it; CAS(expected, new) succeeds (and sets) iff current == expected.
 *
 * <p>Like Porcupine's {@code Model.Step(state, input, output)}: given the state before an operation and the
 * operation's observed output, says whether the operation could have taken effect there, and the state after.
 * Indeterminate operations have no observed output: a WRITE sets, a CAS sets iff its compare holds (whether it
 * happened at all is decided by the search, which may leave it out).
 */
final class RegisterModel {

    /** Outcome of one step: legal or not, and the state after it. */
    record Next(boolean legal, String state) {
        static final Next ILLEGAL = new Next(false, null);
    }

    private RegisterModel() { }

    static final String INITIAL_STATE = null;

    static Next step(String state, Operation op) {
        boolean indeterminate = op.isIndeterminate();
        return switch (op.kind()) {
            case READ -> Objects.equals(state, op.readValue()) ? new Next(true, state) : Next.ILLEGAL;
            case WRITE -> new Next(true, op.newValue());
            case CAS -> {
                boolean matches = Objects.equals(state, op.expectedValue());
                if (indeterminate) yield new Next(true, matches ? op.newValue() : state);
                if (op.casSucceeded() != matches) yield Next.ILLEGAL;
                yield new Next(true, matches ? op.newValue() : state);
            }
        };
    }

    /**
     * Whether the checker must consider the operation at all: FAIL operations never took effect, and reads
     * that failed or timed out observed nothing, so neither constrains the history.
     */
    static boolean constrains(Operation op) {
        return switch (op.status()) {
            case OK -> true;
            case FAIL -> false;
            case INDETERMINATE -> op.kind() != Operation.Kind.READ;
        };
    }
}
