package io.cairn.it.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates histories that are linearizable by construction: a real (sequential) register per key, and clients
 * whose operations take effect atomically at a random instant between their invocation and completion (the
 * linearization point), interleaved at random. Some operations FAIL (never applied), some are INDETERMINATE
 * (their client gives up; the operation is applied later or never, like a request stuck in a partitioned
 * member). Every written value is unique ({@code "v<id>"}), which lets tests corrupt a read into a provably
 * impossible one. Deterministic for a given seed; logical time only.
 */
final class RegisterSimulator {

    record Config(int clients, int keys, int operations, double failRate, double indeterminateRate) { }

    private enum Fate { OK, FAIL, INDETERMINATE }

    /** An invoked operation not yet reported by its client. */
    private static final class InFlight {
        final Operation request; // outputs filled in when applied
        final Fate fate;
        boolean applied;
        String readValue;
        boolean casSucceeded;

        InFlight(Operation request, Fate fate) {
            this.request = request;
            this.fate = fate;
        }
    }

    private final Config config;
    private final Random random;
    private final Map<String, String> registers = new HashMap<>();
    private final List<Operation> history = new ArrayList<>();
    private final List<InFlight> floating = new ArrayList<>(); // indeterminate, client gone, maybe applied later
    private long timeNanos;
    private long nextId;

    private RegisterSimulator(Config config, long seed) {
        this.config = config;
        this.random = new Random(seed);
    }

    static List<Operation> generate(Config config, long seed) {
        return new RegisterSimulator(config, seed).run();
    }

    private List<Operation> run() {
        InFlight[] clients = new InFlight[config.clients()];
        int invoked = 0;
        int busy = 0;
        while (invoked < config.operations() || busy > 0) {
            timeNanos += 1 + random.nextInt(3);
            if (!floating.isEmpty() && random.nextInt(8) == 0) {
                InFlight f = floating.remove(random.nextInt(floating.size()));
                if (random.nextBoolean()) apply(f);  // late effect, or dropped for good
                continue;
            }
            int c = random.nextInt(clients.length);
            InFlight f = clients[c];
            if (f == null) {
                if (invoked == config.operations()) continue;
                clients[c] = invoke(c);
                invoked++;
                busy++;
            } else if (!f.applied && f.fate == Fate.OK) {
                apply(f);
            } else if (f.fate == Fate.INDETERMINATE) {
                history.add(f.request.indeterminate());
                if (f.request.kind() != Operation.Kind.READ) floating.add(f);
                clients[c] = null;
                busy--;
            } else {
                history.add(complete(f));
                clients[c] = null;
                busy--;
            }
        }
        return history;
    }

    private InFlight invoke(int client) {
        long id = nextId++;
        String key = "k" + random.nextInt(config.keys());
        int dice = random.nextInt(10);
        Operation op;
        if (dice < 5) {
            op = Operation.read(id, client, key, null, timeNanos, timeNanos);
        } else if (dice < 8) {
            op = Operation.write(id, client, key, "v" + id, timeNanos, timeNanos);
        } else {
            // expect the current value most of the time, so that CASes often succeed
            String expected = random.nextInt(4) == 0 ? "v" + random.nextInt((int) id + 1) : registers.get(key);
            op = Operation.cas(id, client, key, expected, "v" + id, false, timeNanos, timeNanos);
        }
        double r = random.nextDouble();
        Fate fate = r < config.failRate() ? Fate.FAIL
                : r < config.failRate() + config.indeterminateRate() ? Fate.INDETERMINATE : Fate.OK;
        InFlight f = new InFlight(op, fate);
        if (fate == Fate.INDETERMINATE && random.nextBoolean()) apply(f); // took effect before the timeout
        return f;
    }

    private void apply(InFlight f) {
        if (f.applied) return;
        f.applied = true;
        Operation op = f.request;
        String current = registers.get(op.key());
        switch (op.kind()) {
            case READ -> f.readValue = current;
            case WRITE -> registers.put(op.key(), op.newValue());
            case CAS -> {
                f.casSucceeded = java.util.Objects.equals(current, op.expectedValue());
                if (f.casSucceeded) registers.put(op.key(), op.newValue());
            }
        }
    }

    private Operation complete(InFlight f) {
        Operation op = f.request;
        if (f.fate == Fate.FAIL) {
            return new Operation(op.id(), op.clientId(), op.key(), op.kind(), op.expectedValue(), op.newValue(), null,
                    false, op.invokeNanos(), timeNanos, Operation.Status.FAIL);
        }
        return new Operation(op.id(), op.clientId(), op.key(), op.kind(), op.expectedValue(), op.newValue(),
                f.readValue, f.casSucceeded, op.invokeNanos(), timeNanos, Operation.Status.OK);
    }
}
