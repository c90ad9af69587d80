package io.cairn.raft.log;

import akka.actor.Props;
import akka.event.Logging;
import akka.event.LoggingAdapter;
import akka.persistence.AbstractPersistentActor;
import akka.persistence.DeleteMessagesFailure;
import akka.persistence.DeleteMessagesSuccess;
import akka.persistence.RecoveryCompleted;
import io.cairn.api.raft.LogEvent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import scala.Option;

/**
 * The persistent side of the raft log: recovers the {@link LogView} from the journal, then persists the
 * events it is sent and deletes the journal prefixes compactions make obsolete. It never sees the live
 * view — after recovery it hands the view over and keeps only event bookkeeping.
 *
 * <p>A classic persistent actor rather than an EventSourcedBehavior: Akka Persistence Typed 2.6 deletes
 * events only together with snapshots (retention criteria), and snapshotting would copy the whole log;
 * {@code deleteMessages} deletes exactly the obsolete prefix.
 *
 * <p>Group commit: {@code persistAllAsync} does not stash, so writes sent while one is in flight accumulate
 * and go to the journal as one WriteMessages when it completes; the LevelDB journal writes one WriteMessages
 * as one WriteBatch with sync: one fsync per batch of calls (one per call when calls never overlap). Each
 * call's events are one AtomicWrite (a truncation lands together with the append that follows it).
 */
final class JournalActor extends AbstractPersistentActor {

  /** Persist events (from one call) atomically; prefixDeleted is set for compactions and resets. */
  record Write(List<LogEvent> events, CompletableFuture<Void> durable, CompletableFuture<Long> prefixDeleted) {}

  record Recovered(LogView view, long replayedEvents, long highestSequenceNr) {}

  private record PendingDeletion(long toSequenceNr, CompletableFuture<Long> completion) {}

  private final LoggingAdapter log = Logging.getLogger(getContext().getSystem(), this);
  private final String persistenceId;
  private final String journalPluginId;
  private final PendingWrites pendingWrites;
  private final CompletableFuture<Recovered> recovered;
  private final DeletablePrefix deletable = new DeletablePrefix();
  /** At most one per pending write (bounded by max-pending-writes). */
  private final ArrayDeque<PendingDeletion> deletions = new ArrayDeque<>();
  private LogReplay replay = new LogReplay();
  private long replayedEvents;
  private long firstReplayedSequenceNr;
  private long nextSequenceNr;
  private long deletionRequestedUpTo;

  static Props props(
      String persistenceId,
      String journalPluginId,
      PendingWrites pendingWrites,
      CompletableFuture<Recovered> recovered) {
    return Props.create(
        JournalActor.class, () -> new JournalActor(persistenceId, journalPluginId, pendingWrites, recovered));
  }

  private JournalActor(
      String persistenceId,
      String journalPluginId,
      PendingWrites pendingWrites,
      CompletableFuture<Recovered> recovered) {
    this.persistenceId = persistenceId;
    this.journalPluginId = journalPluginId;
    this.pendingWrites = pendingWrites;
    this.recovered = recovered;
  }

  @Override
  public String persistenceId() {
    return persistenceId;
  }

  @Override
  public String journalPluginId() {
    return journalPluginId;
  }

  @Override
  public String snapshotPluginId() {
    return "akka.persistence.no-snapshot-store";
  }

  @Override
  public Receive createReceiveRecover() {
    return receiveBuilder()
        .match(LogEvent.class, this::replay)
        .match(RecoveryCompleted.class, completed -> finishRecovery())
        .build();
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(Write.class, this::write)
        .match(DeleteMessagesSuccess.class, success -> deleted(success.toSequenceNr(), null))
        .match(DeleteMessagesFailure.class, failure -> deleted(failure.toSequenceNr(), failure.cause()))
        .build();
  }

  private void replay(LogEvent event) {
    replay.apply(event);
    deletable.track(lastSequenceNr(), event);
    if (replayedEvents++ == 0) {
      firstReplayedSequenceNr = lastSequenceNr();
    }
  }

  private void finishRecovery() {
    LogView view;
    try {
      view = replay.finish();
    } catch (IllegalStateException corrupt) {
      recovered.completeExceptionally(corrupt);
      getContext().stop(getSelf());
      return;
    }
    replay = null;
    nextSequenceNr = lastSequenceNr() + 1;
    deletionRequestedUpTo = replayedEvents == 0 ? lastSequenceNr() : firstReplayedSequenceNr - 1;
    recovered.complete(new Recovered(view, replayedEvents, lastSequenceNr()));
  }

  private void write(Write write) {
    long deleteUpTo = deletable.plannedDeletion(write.events());
    for (LogEvent event : write.events()) {
      deletable.track(nextSequenceNr++, event);
    }
    int[] notYetDurable = {write.events().size()};
    persistAllAsync(
        write.events(),
        event -> {
          if (--notYetDurable[0] == 0) {
            durable(write, deleteUpTo);
          }
        });
  }

  private void durable(Write write, long deleteUpTo) {
    pendingWrites.completeOldest(write.durable());
    if (write.prefixDeleted() == null) {
      return;
    }
    if (deleteUpTo > deletionRequestedUpTo) {
      deletionRequestedUpTo = deleteUpTo;
      deletable.forgetUpTo(deleteUpTo);
      deletions.addLast(new PendingDeletion(deleteUpTo, write.prefixDeleted()));
      deleteMessages(deleteUpTo);
    } else {
      write.prefixDeleted().complete(deletionRequestedUpTo);
    }
  }

  /** A failed deletion only leaves obsolete events behind (recovery skips over them): not fatal. */
  private void deleted(long toSequenceNr, Throwable cause) {
    if (cause != null) {
      log.warning("raft log {}: deleting events up to {} failed: {}", persistenceId, toSequenceNr, cause);
    }
    while (!deletions.isEmpty() && deletions.peekFirst().toSequenceNr() <= toSequenceNr) {
      PendingDeletion deletion = deletions.pollFirst();
      if (cause == null) {
        deletion.completion().complete(deletion.toSequenceNr());
      } else {
        deletion.completion().completeExceptionally(cause);
      }
    }
  }

  @Override
  public void onPersistFailure(Throwable cause, Object event, long sequenceNr) {
    pendingWrites.failAll(new RaftLogFailedException("raft log " + persistenceId + ": journal write failed", cause));
    super.onPersistFailure(cause, event, sequenceNr); // logs and stops this actor
  }

  @Override
  public void onPersistRejected(Throwable cause, Object event, long sequenceNr) {
    // The caller's view already holds the change: continuing would let view and journal diverge.
    pendingWrites.failAll(new RaftLogFailedException("raft log " + persistenceId + ": journal rejected a write", cause));
    super.onPersistRejected(cause, event, sequenceNr);
    getContext().stop(getSelf());
  }

  @Override
  public void onRecoveryFailure(Throwable cause, Option<Object> event) {
    recovered.completeExceptionally(cause);
    super.onRecoveryFailure(cause, event);
  }

  @Override
  public void postStop() {
    RaftLogFailedException closed = new RaftLogFailedException("raft log " + persistenceId + " is closed", null);
    pendingWrites.failAll(closed);
    recovered.completeExceptionally(closed);
    deletions.forEach(deletion -> deletion.completion().completeExceptionally(closed));
    deletions.clear();
  }
}
