package io.cairn.it.history;

import java.util.ArrayList;
import java.util.List;

/** Builder for hand-written histories in tests: times are small integers standing for nanoTime values. */
final class Ops {

    private final List<Operation> ops = new ArrayList<>();
    private long nextId;

    Operation read(int client, String key, String value, long invoke, long complete) {
        return add(Operation.read(nextId++, client, key, value, invoke, complete));
    }

    Operation write(int client, String key, String value, long invoke, long complete) {
        return add(Operation.write(nextId++, client, key, value, invoke, complete));
    }

    Operation cas(int client, String key, String expected, String value, boolean ok, long invoke, long complete) {
        return add(Operation.cas(nextId++, client, key, expected, value, ok, invoke, complete));
    }

    /** A write whose client timed out: invoked at {@code invoke}, outcome unknown. */
    Operation indeterminateWrite(int client, String key, String value, long invoke) {
        return add(Operation.write(nextId++, client, key, value, invoke, invoke).indeterminate());
    }

    Operation indeterminateCas(int client, String key, String expected, String value, long invoke) {
        return add(Operation.cas(nextId++, client, key, expected, value, false, invoke, invoke).indeterminate());
    }

    Operation add(Operation op) {
        ops.add(op);
        return op;
    }

    /** Replaces the last added operation (e.g. with its {@code failed()} form). */
    Operation replaceLast(Operation op) {
        ops.set(ops.size() - 1, op);
        return op;
    }

    List<Operation> list() {
        return List.copyOf(ops);
    }
}
