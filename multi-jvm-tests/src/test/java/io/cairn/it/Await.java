package io.cairn.it;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The only two ways these tests let time pass.
 * <ul>
 * <li>Waiting for something to happen: {@link #until} / {@link #await} poll a check, bounded by a timeout. A check
 *     returns null once the condition holds, else a description of what is still wrong (the failure message); it may
 *     throw to stop waiting at once (e.g. the process it waits for has exited).</li>
 * <li>Letting time pass on purpose: {@link #pace} — a workload's request rate, a back-off after a failed request, a
 *     fault's hold or quiet time. Never to wait for a condition.</li>
 * </ul>
 */
public final class Await {

    /** The default interval between two checks. */
    public static final Duration POLL = Duration.ofMillis(50);

    private Await() { }

    /**
     * Runs {@code check} until it returns null, every {@code poll}, for at most {@code timeout} (at least once).
     * Returns null when the condition held, else the check's last answer.
     */
    public static String until(Duration timeout, Duration poll, Supplier<String> check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String failure = check.get();
        while (failure != null && System.nanoTime() < deadline) {
            pace(poll.toMillis());
            failure = check.get();
        }
        return failure;
    }

    /** {@link #until(Duration, Duration, Supplier)} polling every {@link #POLL}. */
    public static String until(Duration timeout, Supplier<String> check) {
        return until(timeout, POLL, check);
    }

    /** Like {@link #until}, but fails the test ({@code what} not true within the timeout, with the last answer). */
    public static void await(String what, Duration timeout, Duration poll, Supplier<String> check) {
        String failure = until(timeout, poll, check);
        if (failure != null) throw new AssertionError(what + " not true within " + timeout + ": " + failure);
    }

    /** {@link #await(String, Duration, Duration, Supplier)} polling every {@link #POLL}. */
    public static void await(String what, Duration timeout, Supplier<String> check) {
        await(what, timeout, POLL, check);
    }

    /** Lets {@code ms} pass on purpose: a rate, a back-off, a fault's duration (see the class comment). */
    public static void pace(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
