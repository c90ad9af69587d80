package io.cairn.raft.log;

import io.cairn.api.raft.Entry;
import io.cairn.api.raft.HardState;
import io.cairn.api.raft.LogEvent;
import io.cairn.api.raft.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * The Raft-level rules of the live log: validates a call, applies it to the {@link LogView} and returns the
 * events that make it durable (one atomic journal write). Nothing changes when a call is invalid. An empty
 * event list means the call is a no-op.
 */
final class LogChanges {

  private final LogView view;

  LogChanges(LogView view) {
    this.view = view;
  }

  /** [SuffixTruncated(first)] EntriesAppended. */
  List<LogEvent> append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return List.of();
    }
    long first = entries.get(0).getIndex();
    for (int i = 1; i < entries.size(); i++) {
      if (entries.get(i).getIndex() != first + i) {
        throw new IllegalArgumentException("entry indexes not consecutive at " + entries.get(i).getIndex());
      }
    }
    if (first <= view.snapshotIndex()) {
      throw new IllegalArgumentException(
          "entries from " + first + " would overwrite the compacted log (snapshot index "
              + view.snapshotIndex() + ")");
    }
    if (first > view.lastIndex() + 1) {
      throw new IllegalArgumentException(
          "entries from " + first + " leave a gap after last index " + view.lastIndex());
    }
    List<LogEvent> events = new ArrayList<>(2);
    if (first <= view.lastIndex()) {
      events.add(LogEvents.truncated(first));
      view.truncateFrom(first);
    }
    events.add(LogEvents.appended(entries));
    view.appendContiguous(entries);
    return events;
  }

  List<LogEvent> saveHardState(HardState hardState) {
    view.setHardState(hardState);
    return List.of(LogEvents.hardState(hardState));
  }

  /** compacted marker + the current hard state (which the prefix deletion may remove). */
  List<LogEvent> compact(SnapshotMeta upTo) {
    if (upTo.getIndex() == view.snapshotIndex()) {
      return List.of();
    }
    if (upTo.getIndex() < view.snapshotIndex() || upTo.getIndex() > view.lastIndex()) {
      throw new IllegalArgumentException(
          "cannot compact to " + upTo.getIndex() + ": outside [" + view.snapshotIndex() + ", "
              + view.lastIndex() + "]");
    }
    if (view.term(upTo.getIndex()) != upTo.getTerm()) {
      throw new IllegalArgumentException(
          "cannot compact to " + upTo.getIndex() + " at term " + upTo.getTerm() + ": entry has term "
              + view.term(upTo.getIndex()));
    }
    view.compactTo(upTo);
    return List.of(LogEvents.compacted(upTo), LogEvents.hardState(view.hardState()));
  }

  /** reset marker + the current hard state (everything before is deleted). */
  List<LogEvent> resetToSnapshot(SnapshotMeta snapshot) {
    if (snapshot.getIndex() < view.snapshotIndex()) {
      throw new IllegalArgumentException(
          "snapshot at " + snapshot.getIndex() + " is older than the snapshot index " + view.snapshotIndex());
    }
    view.resetTo(snapshot);
    return List.of(LogEvents.resetToSnapshot(snapshot), LogEvents.hardState(view.hardState()));
  }
}
