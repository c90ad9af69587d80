/**
 * Recording client histories against a register-per-key store and judging them for linearizability.
 *
 * <p>{@link io.cairn.it.history.History} records {@link io.cairn.it.history.Operation}s (invocation and completion
 * times from {@link java.lang.System#nanoTime()}, status OK / FAIL / INDETERMINATE) from many client threads;
 * {@link io.cairn.it.history.LinearizabilityChecker} decides whether some total order of the operations
 * respects real time and the sequential specification of a register
 * ({@link io.cairn.it.history.RegisterModel}).
 *
 * <p>The search is the one of Wing &amp; Gong, "Testing and verifying concurrent objects" (JPDC 1993), with the
 * memoization of (linearized set, model state) pairs by Lowe, "Testing for linearizability" (CC:PE 2017), as
 * implemented by Porcupine (github.com/anishathalye/porcupine): {@link io.cairn.it.history.WglSearch}. Keys are
 * independent registers, so the history is partitioned by key first (Herlihy &amp; Wing's locality; Porcupine's
 * "partition" function).
 */
package io.cairn.it.history;
