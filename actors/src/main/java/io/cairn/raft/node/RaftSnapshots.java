package io.cairn.raft.node;

import io.cairn.raft.snapshot.SnapshotInstaller;
import io.cairn.raft.snapshot.SnapshotReceiver;

/**
 * The snapshot plumbing of one node (Raft §7): the leader's {@link SnapshotSender}, and the follower's
 * {@link SnapshotReceiver} with the {@link SnapshotInstaller} that hands a received snapshot to the
 * member's apply thread. receiver and installer are both null on a node that cannot install snapshots.
 */
public record RaftSnapshots(SnapshotSender sender, SnapshotReceiver receiver, SnapshotInstaller installer) {

  public static final RaftSnapshots NONE = new RaftSnapshots(SnapshotSender.NONE, null, null);

  public RaftSnapshots {
    if (sender == null || (receiver == null) != (installer == null)) {
      throw new IllegalArgumentException("need a sender, and a receiver with its installer (or neither)");
    }
  }

  boolean canInstall() {
    return receiver != null;
  }
}
