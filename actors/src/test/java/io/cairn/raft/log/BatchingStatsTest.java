package io.cairn.raft.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BatchingStatsTest {
  @Test
  void summaryGivesEntriesPerAppendAndPerFsync() {
    assertEquals("batching: raft log 300 entries in 100 appends (3.00 per append); store 300 entries in 40 synced"
        + " batches (7.50 per fsync)", BatchingStats.format(300, 100, 300, 40));
    assertEquals("batching: raft log 0 entries in 0 appends (0.00 per append); store 0 entries in 0 synced"
        + " batches (0.00 per fsync)", BatchingStats.format(0, 0, 0, 0));
  }
}
