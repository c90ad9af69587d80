package io.cairn.raft.log;

import io.cairn.api.raft.EntriesAppended;
import io.cairn.api.raft.Entry;
import io.cairn.api.raft.HardState;
import io.cairn.api.raft.LogEvent;
import io.cairn.api.raft.SnapshotMeta;
import io.cairn.api.raft.SuffixTruncated;
import java.util.List;

/** Builders of the journal's {@link LogEvent}s. */
final class LogEvents {

  private LogEvents() {}

  static LogEvent appended(List<Entry> entries) {
    return LogEvent.newBuilder().setAppended(EntriesAppended.newBuilder().addAllEntries(entries)).build();
  }

  static LogEvent truncated(long fromIndex) {
    return LogEvent.newBuilder().setTruncated(SuffixTruncated.newBuilder().setFromIndex(fromIndex)).build();
  }

  static LogEvent hardState(HardState hardState) {
    return LogEvent.newBuilder().setHardState(hardState).build();
  }

  static LogEvent compacted(SnapshotMeta meta) {
    return LogEvent.newBuilder().setCompacted(meta).build();
  }

  static LogEvent resetToSnapshot(SnapshotMeta meta) {
    return LogEvent.newBuilder().setResetToSnapshot(meta).build();
  }
}
