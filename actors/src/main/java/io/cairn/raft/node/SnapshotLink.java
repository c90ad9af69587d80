package io.cairn.raft.node;

import io.cairn.api.raft.ConfState;
import io.cairn.api.raft.InstallSnapshot;

/**
 * What a {@link SnapshotSender} may do with the leader for one transfer. Only {@link #runOnNode} is
 * thread-safe; everything else is for the node's actor (from a SnapshotSender call or a runOnNode task).
 * Once the leader has moved on (stepped down, new term) the link is stale: sends are dropped, reports
 * ignored, and {@link #termAt} answers -1.
 */
public interface SnapshotLink {

  long followerId();

  /** The leader's term the transfer belongs to. */
  long term();

  /** Runs task on the node's actor; from any thread. */
  void runOnNode(Runnable task);

  /** The term of the log entry at index (the term of a snapshot at that applied index), -1 if unknown. */
  long termAt(long index);

  /** The membership a snapshot carries in its meta. */
  ConfState confState();

  /** Sends one chunk to the follower. */
  void send(InstallSnapshot chunk);

  /** The follower installed the snapshot: it is at matchIndex, replication resumes at matchIndex + 1. */
  void done(long matchIndex);

  /** The transfer failed: the follower goes back to probing (and a later probe starts a new snapshot). */
  void failed(String reason);
}
