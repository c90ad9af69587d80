package io.cairn.raft.node;

import io.cairn.api.raft.InstallSnapshot;
import io.cairn.api.raft.InstallSnapshotResponse;
import io.cairn.api.raft.RaftMessage;
import io.cairn.api.raft.SnapshotMeta;
import io.cairn.raft.snapshot.SnapshotReceiver;

/**
 * The follower's side of Raft §7, across roles (it lives in {@link RaftCore}): chunks go to the
 * {@link SnapshotReceiver}; a complete file goes to the member's installer (its apply thread), then the log
 * is reset to the snapshot point, and once that is durable the leader hears done with match_index =
 * meta.index. While the install runs, appends are ignored (the log is about to be replaced).
 *
 * <p>As etcd's raft.restore: a snapshot at or below the commit index is not installed, the follower
 * already has it; it answers done at once so the leader resumes replication.
 */
final class FollowerSnapshots {

  private final RaftCore core;
  private final RaftSnapshots snapshots;
  private boolean installing;

  FollowerSnapshots(RaftCore core, RaftSnapshots snapshots) {
    this.core = core;
    this.snapshots = snapshots;
  }

  boolean installing() {
    return installing;
  }

  void onChunk(RaftMessage m) {
    if (!snapshots.canInstall()) {
      RaftCore.RAFT_LOG.warn("{} cannot install snapshots", core.idHex());
      return;
    }
    if (installing) {
      return; // the answer comes once the install is done
    }
    InstallSnapshot chunk = m.getSnapshot();
    SnapshotMeta meta = chunk.getMeta();
    if (meta.getIndex() != 0 && meta.getIndex() <= core.commitIndex) {
      snapshots.receiver().abort();
      respond(m.getFrom(), m.getTerm(), InstallSnapshotResponse.newBuilder()
          .setDone(true).setMatchIndex(meta.getIndex()).build());
      return;
    }
    SnapshotReceiver.Outcome outcome = snapshots.receiver().onChunk(m.getFrom(), m.getTerm(), chunk);
    if (outcome instanceof SnapshotReceiver.Reply reply) {
      respond(m.getFrom(), m.getTerm(), reply.response());
    } else if (outcome instanceof SnapshotReceiver.Complete complete) {
      installing = true;
      long leader = m.getFrom();
      long term = m.getTerm();
      RaftCore.RAFT_LOG.info("{} installing snapshot at index {} term {} from {}",
          core.idHex(), meta.getIndex(), meta.getTerm(), Long.toHexString(leader));
      core.ctx.pipeToSelf(snapshots.installer().install(complete.file(), complete.meta()),
          (ok, error) -> new RaftNode.SnapshotInstalled(complete.meta(), complete.file(), leader, term, error));
    }
  }

  void onInstalled(RaftNode.SnapshotInstalled installed) {
    installing = false;
    snapshots.receiver().finished(installed.file());
    if (installed.error() != null) {
      // The store is as it was (a corrupt file is refused whole): let the leader start over.
      RaftCore.RAFT_LOG.warn("{} snapshot install failed: {}", core.idHex(), installed.error().toString());
      respond(installed.leaderId(), installed.term(),
          InstallSnapshotResponse.newBuilder().setRejected(true).build());
      return;
    }
    SnapshotMeta meta = installed.meta();
    core.pipe(core.restoreTo(meta),
        () -> new RaftNode.SnapshotPersisted(meta, installed.leaderId(), installed.term()));
  }

  void onPersisted(RaftNode.SnapshotPersisted persisted) {
    core.markDurable(persisted.meta().getIndex(), persisted.meta().getTerm());
    RaftCore.RAFT_LOG.info("{} installed snapshot at index {}", core.idHex(), persisted.meta().getIndex());
    respond(persisted.leaderId(), persisted.term(), InstallSnapshotResponse.newBuilder()
        .setDone(true).setMatchIndex(persisted.meta().getIndex()).build());
  }

  private void respond(long leader, long term, InstallSnapshotResponse response) {
    if (term == core.term) {
      core.send(core.message(leader, core.term).setSnapshotResponse(response));
    }
  }
}
