package io.cairn.raft.node;

import io.cairn.api.raft.InstallSnapshotResponse;

/**
 * The leader's side of Raft §7: a follower needs entries the leader has compacted away (its next index is
 * below log.firstIndex()), so it gets the applied state instead. Until the sender reports back through the
 * {@link SnapshotLink} ({@code done} / {@code failed}), the leader sends that follower nothing else but
 * heartbeats (etcd's StateSnapshot).
 *
 * <p>Every method is called on the Raft node's actor; an implementation doing blocking work elsewhere
 * comes back with {@link SnapshotLink#runOnNode}.
 */
@FunctionalInterface
public interface SnapshotSender {

  /** Starts (or restarts) a transfer to link.followerId() for the leader term link.term(). */
  void sendSnapshot(SnapshotLink link);

  /** An InstallSnapshotResponse from followerId, in the leader's current term. */
  default void onResponse(long followerId, InstallSnapshotResponse response) {}

  /** One heartbeat interval passed on the leader: the clock of resends and timeouts. */
  default void onTick() {}

  /** The leader stepped down: drop every transfer (their links are stale anyway). */
  default void abortAll() {}

  /** No snapshot support: the follower stays paused. */
  SnapshotSender NONE = link -> RaftCore.RAFT_LOG.warn(
      "no snapshot support: follower {} stays behind the compacted log", Long.toHexString(link.followerId()));
}
