package io.cairn.raft.node;

import io.cairn.raft.LogCommand;
import java.util.Set;

/**
 * Static configuration of one Raft node. The voters and learners are the configuration it starts with; later
 * ones arrive as applied CONF_CHANGE entries ({@link LogCommand.Applied}). Time is counted in ticks of {@code heartbeatIntervalMs}, as etcd's raft does:
 * electionTicks = electionTimeoutMs / heartbeatIntervalMs.
 *
 * @param appliedIndex entries up to this index are already in the applied store: the commit index starts
 *     here and nothing at or below it is handed to the applier again
 * @param maxPendingProposals proposals one node buffers (waiting for a leader, to be forwarded, or on the
 *     leader for its append in flight or a leadership transfer; beyond: dropped, the member's proposal
 *     timeout answers the client)
 * @param maxPendingReads ReadIndex requests queued on one node (beyond: dropped, the member's wait times out)
 * @param snapshotCount applied entries between two log compactions (etcd's --snapshot-count, 100000)
 * @param snapshotCatchUpEntries entries kept in the log behind the applied index at a compaction, so
 *     slightly slow followers catch up from the log rather than by snapshot (etcd's SnapshotCatchUpEntries)
 */
public record RaftSettings(
    long memberId,
    Set<Long> voters,
    Set<Long> learners,
    long clusterId,
    long heartbeatIntervalMs,
    long electionTimeoutMs,
    int maxInflightAppends,
    long maxAppendBytes,
    long maxInflightBytes,
    int maxBatchEntries,
    long maxBatchBytes,
    int maxPendingProposals,
    int maxPendingReads,
    long appliedIndex,
    long randomSeed,
    long snapshotCount,
    long snapshotCatchUpEntries) {

  /** etcd's DefaultSnapshotCount. */
  public static final long DEFAULT_SNAPSHOT_COUNT = 100_000;
  /** etcd's DefaultSnapshotCatchUpEntries. */
  public static final long DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES = 5_000;

  public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 100;
  public static final long DEFAULT_ELECTION_TIMEOUT_MS = 1000;

  public RaftSettings {
    voters = Set.copyOf(voters);
    learners = Set.copyOf(learners);
    if (!voters.contains(memberId) && !learners.contains(memberId)) {
      throw new IllegalArgumentException("member " + Long.toHexString(memberId) + " is neither voter nor learner");
    }
    if (voters.stream().anyMatch(learners::contains)) {
      throw new IllegalArgumentException("a member cannot be both voter and learner");
    }
    if (heartbeatIntervalMs < 1 || electionTimeoutMs < heartbeatIntervalMs) {
      throw new IllegalArgumentException("need 1 <= heartbeatIntervalMs <= electionTimeoutMs");
    }
    if (snapshotCount < 1 || snapshotCatchUpEntries < 0) {
      throw new IllegalArgumentException("need snapshotCount >= 1 and snapshotCatchUpEntries >= 0");
    }
    if (maxInflightAppends < 1 || maxAppendBytes < 1 || maxInflightBytes < 1 || maxBatchEntries < 1
        || maxBatchBytes < 1 || maxPendingProposals < 1 || maxPendingReads < 1) {
      throw new IllegalArgumentException("every bound must be positive");
    }
  }

  /** Without the compaction settings: etcd's defaults for them. */
  public RaftSettings(long memberId, Set<Long> voters, Set<Long> learners, long clusterId,
      long heartbeatIntervalMs, long electionTimeoutMs, int maxInflightAppends, long maxAppendBytes,
      long maxInflightBytes, int maxBatchEntries, long maxBatchBytes, int maxPendingProposals,
      int maxPendingReads, long appliedIndex, long randomSeed) {
    this(memberId, voters, learners, clusterId, heartbeatIntervalMs, electionTimeoutMs, maxInflightAppends,
        maxAppendBytes, maxInflightBytes, maxBatchEntries, maxBatchBytes, maxPendingProposals, maxPendingReads,
        appliedIndex, randomSeed, DEFAULT_SNAPSHOT_COUNT, DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES);
  }

  /** Settings with etcd's defaults for the bounds; appliedIndex 0. */
  public static RaftSettings defaults(long memberId, Set<Long> voters, long clusterId) {
    return new RaftSettings(
        memberId, voters, Set.of(), clusterId,
        DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_ELECTION_TIMEOUT_MS,
        256, 1 << 20, 32L << 20,
        1000, 1 << 20, 10_000, 10_000,
        0, memberId);
  }

  public RaftSettings withAppliedIndex(long index) {
    return new RaftSettings(memberId, voters, learners, clusterId, heartbeatIntervalMs, electionTimeoutMs,
        maxInflightAppends, maxAppendBytes, maxInflightBytes, maxBatchEntries, maxBatchBytes,
        maxPendingProposals, maxPendingReads, index, randomSeed, snapshotCount, snapshotCatchUpEntries);
  }

  public RaftSettings withLearners(Set<Long> learnerIds) {
    return new RaftSettings(memberId, voters, learnerIds, clusterId, heartbeatIntervalMs, electionTimeoutMs,
        maxInflightAppends, maxAppendBytes, maxInflightBytes, maxBatchEntries, maxBatchBytes,
        maxPendingProposals, maxPendingReads, appliedIndex, randomSeed, snapshotCount, snapshotCatchUpEntries);
  }

  /** The same settings with another initial configuration. */
  public RaftSettings withConfiguration(Set<Long> voterIds, Set<Long> learnerIds) {
    return new RaftSettings(memberId, voterIds, learnerIds, clusterId, heartbeatIntervalMs, electionTimeoutMs,
        maxInflightAppends, maxAppendBytes, maxInflightBytes, maxBatchEntries, maxBatchBytes,
        maxPendingProposals, maxPendingReads, appliedIndex, randomSeed, snapshotCount, snapshotCatchUpEntries);
  }

  /** Compacts the log every count applied entries, keeping catchUpEntries behind the applied index. */
  public RaftSettings withSnapshotCount(long count, long catchUpEntries) {
    return new RaftSettings(memberId, voters, learners, clusterId, heartbeatIntervalMs, electionTimeoutMs,
        maxInflightAppends, maxAppendBytes, maxInflightBytes, maxBatchEntries, maxBatchBytes,
        maxPendingProposals, maxPendingReads, appliedIndex, randomSeed, count, catchUpEntries);
  }

  /** Election timeout in ticks (etcd's ElectionTick); at least 1. */
  public int electionTicks() {
    return (int) Math.max(1, electionTimeoutMs / heartbeatIntervalMs);
  }

  public boolean isLearner() {
    return learners.contains(memberId);
  }

  /** Votes needed for a majority of the voters (Raft §5.2). */
  public int quorum() {
    return voters.size() / 2 + 1;
  }
}
