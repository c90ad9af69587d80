package io.cairn.raft.log;

import io.cairn.api.raft.Entry;
import io.cairn.api.raft.LogEvent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Which journal prefix a compaction makes obsolete, without snapshotting the log.
 *
 * <p>Each event still <em>provides</em> the entries it wrote that no later event overwrote or truncated;
 * call the highest such index the event's reach (0 for hard-state and marker events: every compaction
 * re-persists the current hard state and its marker, superseding the older ones). After compacting to C,
 * the longest prefix of events whose reach is at most C can be deleted: {@link LogReplay} rebuilds the log
 * above C from the rest.
 *
 * <p>Kept as the breakpoints of the running maximum of reach over sequence numbers (strictly increasing in
 * both), so memory is one breakpoint per append that raised the last index since the last deletion —
 * bounded by the in-memory log. A later truncation or overwrite at index f lowers every earlier reach to
 * at most f - 1, and min distributes over max, so it clamps the running maximum. Not thread-safe: the
 * journal actor's.
 */
final class DeletablePrefix {

  private record Breakpoint(long fromSequenceNr, long maxReach) {}

  private final ArrayDeque<Breakpoint> breakpoints = new ArrayDeque<>();
  private long highestSequenceNr;

  long highestSequenceNr() {
    return highestSequenceNr;
  }

  void track(long sequenceNr, LogEvent event) {
    highestSequenceNr = sequenceNr;
    switch (event.getEventCase()) {
      case APPENDED -> {
        List<Entry> entries = event.getAppended().getEntriesList();
        if (!entries.isEmpty()) {
          clamp(entries.get(0).getIndex() - 1); // an append overwrites everything from its first index
          raise(sequenceNr, entries.get(entries.size() - 1).getIndex());
        }
      }
      case TRUNCATED -> clamp(event.getTruncated().getFromIndex() - 1);
      case RESET_TO_SNAPSHOT -> clamp(0);
      default -> {}
    }
  }

  /**
   * What one call's events make deletable once durable: everything before a reset; the obsolete prefix for
   * a compaction marker; -1 for nothing. Decided before the call's own events are tracked, so its new
   * marker and hard state always survive.
   */
  long plannedDeletion(List<LogEvent> callEvents) {
    long deleteUpTo = -1;
    for (LogEvent event : callEvents) {
      if (event.hasResetToSnapshot()) {
        deleteUpTo = highestSequenceNr;
      } else if (event.hasCompacted()) {
        deleteUpTo = Math.max(deleteUpTo, deletableUpTo(event.getCompacted().getIndex()));
      }
    }
    return deleteUpTo;
  }

  /** The highest sequence number such that it and every earlier event reach at most compactedIndex. */
  long deletableUpTo(long compactedIndex) {
    for (Breakpoint breakpoint : breakpoints) {
      if (breakpoint.maxReach() > compactedIndex) {
        return breakpoint.fromSequenceNr() - 1;
      }
    }
    return highestSequenceNr;
  }

  /** Forgets breakpoints that cover only events up to deletedSequenceNr. */
  void forgetUpTo(long deletedSequenceNr) {
    while (!breakpoints.isEmpty()) {
      Breakpoint first = breakpoints.pollFirst();
      Breakpoint next = breakpoints.peekFirst();
      long lastCovered = next == null ? highestSequenceNr : next.fromSequenceNr() - 1;
      if (lastCovered > deletedSequenceNr) {
        breakpoints.addFirst(first);
        return;
      }
    }
  }

  private void raise(long sequenceNr, long reach) {
    if (reach > currentMax()) {
      breakpoints.addLast(new Breakpoint(sequenceNr, reach));
    }
  }

  private void clamp(long limit) {
    long mergedFrom = -1;
    while (!breakpoints.isEmpty() && breakpoints.peekLast().maxReach() > limit) {
      mergedFrom = breakpoints.pollLast().fromSequenceNr();
    }
    if (mergedFrom >= 0 && limit > currentMax()) {
      breakpoints.addLast(new Breakpoint(mergedFrom, limit));
    }
  }

  private long currentMax() {
    return breakpoints.isEmpty() ? 0 : breakpoints.peekLast().maxReach();
  }
}
