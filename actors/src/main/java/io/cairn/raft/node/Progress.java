package io.cairn.raft.node;

/**
 * The leader's view of one follower (Raft §5.3 nextIndex/matchIndex, with etcd's flow-control states):
 * PROBE sends one append per heartbeat until the follower's position is found; REPLICATE pipelines appends
 * without waiting for acks, bounded by {@link Inflights}; SNAPSHOT waits for the {@link SnapshotSender}.
 */
final class Progress {

  enum State {
    PROBE,
    REPLICATE,
    SNAPSHOT
  }

  final long memberId;
  boolean voter;
  long matchIndex;
  long nextIndex;
  State state = State.PROBE;
  /** PROBE: an append was sent since the last heartbeat; wait for its answer (or the next heartbeat). */
  boolean probeSent;
  /** Heard from since the last check-quorum round (etcd's RecentActive). */
  boolean recentActive;
  /** Heartbeat ticks since the follower was last heard from (any message), counted up to inactiveAfterTicks. */
  private int silentTicks;
  /** An election timeout in ticks: silent this long, the follower is treated as down (etcd's inactive peer). */
  private final int inactiveAfterTicks;
  /** matchIndex at the previous heartbeat: no movement over a whole interval means appends were lost. */
  long matchAtLastHeartbeat;
  final Inflights inflights;

  Progress(long memberId, boolean voter, long nextIndex, Inflights inflights, int inactiveAfterTicks) {
    this.inactiveAfterTicks = inactiveAfterTicks;
    this.memberId = memberId;
    this.voter = voter;
    this.nextIndex = nextIndex;
    this.inflights = inflights;
  }

  boolean paused() {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> inflights.full();
      case SNAPSHOT -> true;
    };
  }

  void becomeProbe() {
    state = State.PROBE;
    probeSent = false;
    nextIndex = matchIndex + 1;
    inflights.clear();
  }

  void becomeReplicate() {
    state = State.REPLICATE;
    probeSent = false;
    nextIndex = matchIndex + 1;
    inflights.clear();
  }

  void becomeSnapshot() {
    state = State.SNAPSHOT;
    inflights.clear();
  }

  /**
   * The follower installed a snapshot at index (Raft §7): replication resumes from index + 1, probing
   * first as etcd does after a snapshot.
   */
  void snapshotDone(long index) {
    matchIndex = Math.max(matchIndex, index);
    becomeProbe();
  }

  /** The transfer failed: probe again from the last known match (a probe below the log starts another). */
  void snapshotFailed() {
    becomeProbe();
  }

  /** Silent for a whole election timeout: treated as down, as etcd's rafthttp marks a peer inactive. */
  boolean inactive() {
    return silentTicks >= inactiveAfterTicks;
  }

  /** A message from the follower arrived: true if that makes an inactive follower active again. */
  boolean heard() {
    boolean wasInactive = inactive();
    recentActive = true;
    silentTicks = 0;
    return wasInactive;
  }

  /** One heartbeat tick passed: true if the follower just became inactive. */
  boolean tickSilence() {
    return !inactive() && ++silentTicks == inactiveAfterTicks;
  }

  /** A success for index: true if it moved the follower forward. */
  boolean acknowledge(long index) {
    boolean moved = false;
    if (index > matchIndex) {
      matchIndex = index;
      probeSent = false;
      moved = true;
    }
    nextIndex = Math.max(nextIndex, index + 1);
    inflights.freeTo(index);
    return moved;
  }
}
