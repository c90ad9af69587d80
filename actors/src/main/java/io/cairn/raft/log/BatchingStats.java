package io.cairn.raft.log;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * How well writes are batched, for the benchmark's figures (issue 3): entries per Raft log append (each
 * append is one journal write; Akka Persistence may group several into one fsync, so this is a lower bound
 * of entries per log fsync) and entries per store batch (one LevelDB write and one fsync each). One member
 * per JVM, so the counters are process-wide; the member logs them when it stops.
 */
public final class BatchingStats {
  private static final LongAdder LOG_APPENDS = new LongAdder();
  private static final LongAdder LOG_ENTRIES = new LongAdder();
  private static final LongAdder STORE_BATCHES = new LongAdder();
  private static final LongAdder STORE_ENTRIES = new LongAdder();

  private BatchingStats() {}

  static void logAppend(int entries) {
    LOG_APPENDS.increment();
    LOG_ENTRIES.add(entries);
  }

  public static void storeBatch(long entries) {
    STORE_BATCHES.increment();
    STORE_ENTRIES.add(entries);
  }

  /** {@code raft log: E entries in A appends (E/A per append); store: ... per fsync}. */
  public static String summary() {
    return format(LOG_ENTRIES.sum(), LOG_APPENDS.sum(), STORE_ENTRIES.sum(), STORE_BATCHES.sum());
  }

  static String format(long logEntries, long logAppends, long storeEntries, long storeBatches) {
    return String.format(Locale.ROOT,
        "batching: raft log %d entries in %d appends (%.2f per append); store %d entries in %d synced batches"
            + " (%.2f per fsync)",
        logEntries, logAppends, ratio(logEntries, logAppends), storeEntries, storeBatches,
        ratio(storeEntries, storeBatches));
  }

  private static double ratio(long a, long b) {
    return b == 0 ? 0 : (double) a / b;
  }
}
