package io.cairn.it.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A workload's client threads: daemons started one by one, told to stop together, joined bounded. */
final class ClientThreads {

    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    /** Starts a client thread; its loop runs while {@link #running()}. */
    void start(String name, Runnable client) {
        Thread t = new Thread(client, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    boolean running() {
        return !stop.get();
    }

    /** No new requests; waits up to {@code joinTimeout} for each thread and fails if one is still running. */
    void stop(Duration joinTimeout) {
        stop.set(true);
        for (Thread t : threads) {
            try {
                t.join(joinTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) throw new AssertionError(t.getName() + " did not stop");
        }
    }
}
