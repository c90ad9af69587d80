package io.cairn.raft.node;

import io.cairn.api.raft.ConfState;
import io.cairn.api.raft.SnapshotMeta;
import io.cairn.raft.log.RaftLogStore;

/**
 * Log compaction (Raft §7) as etcd's triggerSnapshot: once snapshotCount entries were applied since the
 * last compaction, the log forgets everything up to appliedIndex - snapshotCatchUpEntries. The applied
 * store is the snapshot: everything compacted is in it, and a follower that needs it gets the store. The
 * applied index comes from the member ({@link io.cairn.raft.LogCommand.Applied}), so nothing not yet
 * applied is ever compacted.
 */
final class LogCompaction {

  private final RaftCore core;
  private final long snapshotCount;
  private final long catchUpEntries;
  /** The applied index at the last compaction (etcd's snapi). */
  private long lastCompactionAppliedIndex;
  private long appliedIndex;

  LogCompaction(RaftCore core) {
    this.core = core;
    this.snapshotCount = core.settings.snapshotCount();
    this.catchUpEntries = core.settings.snapshotCatchUpEntries();
    this.appliedIndex = core.settings.appliedIndex();
    this.lastCompactionAppliedIndex = core.settings.appliedIndex();
  }

  static ConfState confState(io.cairn.raft.Configuration config) {
    return ConfState.newBuilder().addAllVoters(config.voters().stream().sorted().toList())
        .addAllLearners(config.learners().stream().sorted().toList()).build();
  }

  long appliedIndex() {
    return appliedIndex;
  }

  /** The member applied up to index. */
  void onApplied(long index) {
    // Never trust more than the log holds: only committed entries are ever applied.
    appliedIndex = Math.max(appliedIndex, Math.min(index, core.commitIndex));
    if (appliedIndex - lastCompactionAppliedIndex < snapshotCount) {
      return;
    }
    lastCompactionAppliedIndex = appliedIndex;
    long compactTo = appliedIndex - catchUpEntries;
    if (compactTo <= core.log.snapshotMeta().getIndex() || compactTo > core.log.lastIndex()) {
      return;
    }
    SnapshotMeta upTo = SnapshotMeta.newBuilder()
        .setIndex(compactTo).setTerm(core.log.term(compactTo)).setConfState(confState(core.config)).build();
    RaftCore.RAFT_LOG.info("{} compacting raft log at index {} (applied {}, keeping {} entries)",
        core.idHex(), compactTo, appliedIndex, catchUpEntries);
    core.pipeFailure(core.log.compact(upTo));
  }

  /** A snapshot was installed: the store is at index, the log starts after it. */
  void restored(long index) {
    appliedIndex = Math.max(appliedIndex, index);
    lastCompactionAppliedIndex = Math.max(lastCompactionAppliedIndex, index);
  }
}
