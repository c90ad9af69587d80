package io.cairn.raft.log;

import akka.actor.ActorRef;
import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import com.typesafe.config.Config;
import io.cairn.api.raft.Entry;
import io.cairn.api.raft.HardState;
import io.cairn.api.raft.LogEvent;
import io.cairn.api.raft.SnapshotMeta;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The {@link RaftLogStore} on Akka Persistence (LevelDB journal, fsync on). Every call validates, changes
 * the in-memory {@link LogView} at once and hands only the resulting events to the {@link JournalActor};
 * the returned stage completes (in call order) once they are fsynced. Call it from one thread only.
 *
 * <p>Journal layout: each call is one atomic write — append: [SuffixTruncated(first)] EntriesAppended;
 * saveHardState: HardState; compact: compacted marker + the current HardState, after which the obsolete
 * prefix is deleted ({@link DeletablePrefix}); resetToSnapshot: reset marker + current HardState, after
 * which everything before is deleted.
 *
 * <p>Completions run dependent non-async callbacks on the journal actor's thread: hand results to the Raft
 * node as messages (pipeToSelf) rather than doing work in them.
 */
public final class PersistentRaftLog implements RaftLogStore {

  private final LogView view;
  private final LogChanges changes;
  private final ActorRef journal;
  private final PendingWrites pendingWrites;
  private final long recoveredEventCount;
  private CompletionStage<Long> lastPrefixDeletion = CompletableFuture.completedFuture(0L);

  private PersistentRaftLog(
      LogView view, ActorRef journal, PendingWrites pendingWrites, long recoveredEventCount) {
    this.view = view;
    this.changes = new LogChanges(view);
    this.journal = journal;
    this.pendingWrites = pendingWrites;
    this.recoveredEventCount = recoveredEventCount;
  }

  /**
   * Starts the member's log actor (persistence id {@code raft-log-<memberId hex>}) and completes once the
   * log is recovered from the journal. Fails when the journal is unreadable or inconsistent (a journal that
   * cannot start at all fails recovery after the plugin's recovery-event-timeout, 30 s by default). Throws
   * when fsync is off or the directory cannot be created.
   * At most one open log per member per ActorSystem.
   */
  public static CompletionStage<PersistentRaftLog> open(ActorSystem<?> system, long memberId) {
    Config config = system.settings().config();
    RaftLogSettings settings = RaftLogSettings.from(config);
    RaftLogSettings.requireFsync(config, settings.journalPluginId());
    RaftLogSettings.createJournalDir(config, settings.journalPluginId());
    String persistenceId = persistenceId(memberId);
    PendingWrites pendingWrites = new PendingWrites(settings.maxPendingWrites());
    CompletableFuture<JournalActor.Recovered> recovered = new CompletableFuture<>();
    ExtendedActorSystem classic = (ExtendedActorSystem) Adapter.toClassic(system);
    ActorRef journal =
        classic.systemActorOf(
            JournalActor.props(persistenceId, settings.journalPluginId(), pendingWrites, recovered),
            persistenceId);
    return recovered.thenApply(
        done -> new PersistentRaftLog(done.view(), journal, pendingWrites, done.replayedEvents()));
  }

  static String persistenceId(long memberId) {
    return "raft-log-" + Long.toHexString(memberId);
  }

  @Override
  public HardState hardState() {
    return view.hardState();
  }

  @Override
  public SnapshotMeta snapshotMeta() {
    return view.snapshotMeta();
  }

  @Override
  public long firstIndex() {
    return view.firstIndex();
  }

  @Override
  public long lastIndex() {
    return view.lastIndex();
  }

  @Override
  public long term(long index) {
    return view.term(index);
  }

  @Override
  public List<Entry> entries(long fromIndex, long toIndexExclusive, long maxBytes) {
    return view.entries(fromIndex, toIndexExclusive, maxBytes);
  }

  /**
   * @throws IllegalArgumentException unless the indexes are consecutive, above the snapshot point and
   *     start no later than lastIndex + 1
   */
  @Override
  public CompletionStage<Void> append(List<Entry> entries) {
    BatchingStats.logAppend(entries.size());
    return change(() -> changes.append(entries), false);
  }

  @Override
  public CompletionStage<Void> saveHardState(HardState hardState) {
    return change(() -> changes.saveHardState(hardState), false);
  }

  /**
   * A no-op at the current snapshot index.
   *
   * @throws IllegalArgumentException below the snapshot index, beyond lastIndex, or with the wrong term
   */
  @Override
  public CompletionStage<Void> compact(SnapshotMeta upTo) {
    return change(() -> changes.compact(upTo), true);
  }

  /** @throws IllegalArgumentException below the current snapshot index */
  @Override
  public CompletionStage<Void> resetToSnapshot(SnapshotMeta snapshot) {
    return change(() -> changes.resetToSnapshot(snapshot), true);
  }

  /** Writes whose completion is pending. */
  public int pendingWrites() {
    return pendingWrites.size();
  }

  /** Events replayed when this log was opened (diagnostics: shows that compaction deleted the prefix). */
  long recoveredEventCount() {
    return recoveredEventCount;
  }

  /** Completes with the sequence number the latest compaction/reset deleted the journal up to. */
  CompletionStage<Long> lastPrefixDeletion() {
    return lastPrefixDeletion;
  }

  private CompletionStage<Void> change(Supplier<List<LogEvent>> applyToView, boolean deletesPrefix) {
    CompletionStage<Void> refused = pendingWrites.refusal();
    if (refused != null) {
      return refused;
    }
    List<LogEvent> events = applyToView.get();
    if (events.isEmpty()) {
      return pendingWrites.afterLastRegistered();
    }
    CompletableFuture<Long> prefixDeleted = deletesPrefix ? new CompletableFuture<>() : null;
    CompletableFuture<Void> durable = pendingWrites.register();
    if (prefixDeleted != null) {
      lastPrefixDeletion = prefixDeleted;
    }
    journal.tell(new JournalActor.Write(events, durable, prefixDeleted), ActorRef.noSender());
    return durable;
  }
}
