package io.cairn.raft.log;

import io.cairn.api.raft.Entry;
import io.cairn.api.raft.LogEvent;
import io.cairn.api.raft.SnapshotMeta;
import java.util.List;

/**
 * Rebuilds a {@link LogView} from the journal's events, in sequence-number order.
 *
 * <p>Compaction deletes a journal prefix (see {@link DeletablePrefix}), so the surviving events may begin
 * with entries whose predecessors are gone: the first surviving append may start above index 1, or a
 * surviving truncation may reach below it. Such a log is rebased onto a <em>provisional</em> snapshot point
 * (index known, term not): the compaction marker persisted with every deletion, which follows every
 * surviving event that preceded the deletion, then sets the real snapshot point at or above it. A journal
 * that ends with a provisional snapshot point lost events: recovery fails.
 */
final class LogReplay {

  private final LogView view = new LogView();
  private boolean provisionalSnapshotPoint;

  void apply(LogEvent event) {
    switch (event.getEventCase()) {
      case APPENDED -> append(event.getAppended().getEntriesList());
      case TRUNCATED -> truncate(event.getTruncated().getFromIndex());
      case HARD_STATE -> view.setHardState(event.getHardState());
      case COMPACTED -> compact(event.getCompacted());
      case RESET_TO_SNAPSHOT -> {
        view.resetTo(event.getResetToSnapshot());
        provisionalSnapshotPoint = false;
      }
      default -> throw new IllegalStateException("raft log event without content: " + event);
    }
  }

  /** The recovered view; the caller takes it over. */
  LogView finish() {
    if (provisionalSnapshotPoint) {
      throw new IllegalStateException(
          "raft log journal lost events: entries from index " + view.firstIndex()
              + " have no preceding compaction marker");
    }
    return view;
  }

  private void append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    long first = entries.get(0).getIndex();
    if (first <= view.lastIndex()) {
      truncate(first);
    }
    if (first > view.lastIndex() + 1) {
      // Only the first surviving append can start after a gap: after it, the journal mirrors the live log.
      if (view.hasEntries()) {
        throw new IllegalStateException(
            "raft log journal has a gap: entries at " + first + " after last index " + view.lastIndex());
      }
      rebaseProvisionally(first - 1);
    }
    view.appendContiguous(entries);
  }

  private void truncate(long fromIndex) {
    if (fromIndex > view.lastIndex()) {
      return;
    }
    if (fromIndex > view.snapshotIndex()) {
      view.truncateFrom(fromIndex);
      return;
    }
    if (!provisionalSnapshotPoint) {
      throw new IllegalStateException(
          "raft log journal truncates at " + fromIndex + ", below snapshot index " + view.snapshotIndex());
    }
    rebaseProvisionally(fromIndex - 1);
  }

  private void compact(SnapshotMeta meta) {
    if (meta.getIndex() < view.snapshotIndex()) {
      if (provisionalSnapshotPoint) {
        return; // an older marker that survived deletion; the newest marker, later on, lies above.
      }
      throw new IllegalStateException(
          "raft log journal compacts to " + meta.getIndex() + ", below snapshot index " + view.snapshotIndex());
    }
    if (meta.getIndex() > view.lastIndex()) {
      view.resetTo(meta); // every entry up to it was in the deleted prefix
    } else {
      if (meta.getIndex() > view.snapshotIndex() && view.term(meta.getIndex()) != meta.getTerm()) {
        throw new IllegalStateException(
            "raft log journal compacts to " + meta.getIndex() + " at term " + meta.getTerm()
                + " but the entry has term " + view.term(meta.getIndex()));
      }
      view.compactTo(meta);
    }
    provisionalSnapshotPoint = false;
  }

  private void rebaseProvisionally(long snapshotIndex) {
    view.resetTo(SnapshotMeta.newBuilder().setIndex(snapshotIndex).build());
    provisionalSnapshotPoint = true;
  }
}
