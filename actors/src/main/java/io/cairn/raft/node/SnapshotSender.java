package io.cairn.raft.node;

import io.cairn.api.raft.SnapshotMeta;

/**
 * The seam for Raft §7: a follower needs entries the leader has compacted away (its next index is below
 * log.firstIndex()), so it must get the applied state instead. The implementation streams InstallSnapshot
 * chunks; until it reports back, the leader sends that follower nothing else (etcd's StateSnapshot).
 */
@FunctionalInterface
public interface SnapshotSender {

  void sendSnapshot(long followerId, SnapshotMeta snapshot);

  /** No snapshot support yet: the follower stays paused (and a warning is logged by the leader). */
  SnapshotSender NONE = (followerId, snapshot) -> {};
}
