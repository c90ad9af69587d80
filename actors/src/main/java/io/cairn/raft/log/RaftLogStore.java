package io.cairn.raft.log;

import io.cairn.api.raft.Entry;
import io.cairn.api.raft.HardState;
import io.cairn.api.raft.SnapshotMeta;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The Raft log and hard state of one member (Raft §5.3, §5.1). Used by the member's single Raft node actor
 * only, from its thread: every call changes the in-memory view at once (reads see it immediately, like
 * etcd's unstable log), and the returned stage completes once the change is durable (fsynced). A follower
 * acknowledges, and a voter answers a vote, only after that completion.
 *
 * <p>Implementations: {@link io.cairn.raft.log.PersistentRaftLog} (Akka Persistence, LevelDB journal, fsync
 * on) and an in-memory twin for tests.
 */
public interface RaftLogStore {

  /** The durable term and vote (zero values for a new member). */
  HardState hardState();

  /** The point the log was compacted to; index 0 / term 0 when never compacted. */
  SnapshotMeta snapshotMeta();

  /** snapshotMeta().index + 1. */
  long firstIndex();

  /** The last index in the log, snapshotMeta().index when empty. */
  long lastIndex();

  /**
   * The term of the entry at index; snapshotMeta().term for index == snapshotMeta().index; 0 for index 0.
   *
   * @throws IndexOutOfBoundsException below the snapshot index (compacted) or above lastIndex
   */
  long term(long index);

  /**
   * Entries [fromIndex, toIndexExclusive), stopping early once maxBytes of entry data is reached (at least
   * one entry is always returned when the range is non-empty).
   *
   * @throws IndexOutOfBoundsException if fromIndex is compacted (below firstIndex) or the range exceeds lastIndex
   */
  List<Entry> entries(long fromIndex, long toIndexExclusive, long maxBytes);

  /**
   * Appends entries with consecutive indexes. When the first index is at or below lastIndex, the conflicting
   * suffix from that index on is truncated first (persisted as a truncation event, then the entries).
   */
  CompletionStage<Void> append(List<Entry> entries);

  CompletionStage<Void> saveHardState(HardState hardState);

  /**
   * Entries up to and including upToIndex are in the applied store now: the log may forget them (the
   * journal prefix is deleted). term is the term of entry upToIndex.
   */
  CompletionStage<Void> compact(SnapshotMeta upTo);

  /** After installing a leader's snapshot: the whole log is replaced by the snapshot point. */
  CompletionStage<Void> resetToSnapshot(SnapshotMeta snapshot);
}
