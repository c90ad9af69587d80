package io.cairn.it.faults;

import java.nio.file.Path;
import java.util.List;

/**
 * One kind of client work run against the cluster while the nemesis injects faults. Lifecycle: {@link #start}
 * (threads begin issuing requests), {@link #stop} (no new requests; bounded wait for the threads), then, once
 * every fault is healed and every member restarted, {@link #check}, which returns the anomalies found (empty
 * when the history is as the specification demands).
 */
interface Workload {

    String name();

    void start(FaultCluster cluster);

    void stop();

    /** After healing and a full restart: the anomalies, each a one-line description. */
    List<String> check(FaultCluster cluster);

    /** Extra figures for the timeline, e.g. {@code " (12 reconnects)"}; empty by default. */
    default String details() { return ""; }

    /** Client operations issued so far. */
    long ops();

    /** Writes what is needed to inspect a failure (histories, event logs) into dir. */
    void dump(Path dir);
}
