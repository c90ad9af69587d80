package io.cairn.raft;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.util.ArrayList;
import java.util.List;

/**
 * Consensus for a one-member cluster: the member is always the leader, and an entry is committed as soon
 * as it is appended, because the store's write batch (fsynced with the applied index) is the only log
 * there is. Raft replaces this behavior; nothing else changes.
 *
 * <p>Batching: proposals are buffered, and the first one into an empty buffer sends this actor a
 * {@link LogCommand.Flush}. The Flush queues behind every proposal already in the mailbox, so all of them
 * form one batch (as etcd's raft node hands everything proposed since the last Ready to the applier at
 * once). A batch is capped at {@code maxBatchEntries} entries and {@code maxBatchBytes} bytes.
 *
 * <p>Indexes continue from the store's applied index; the term is the one the member elected itself at
 * (see {@link TermPolicy}).
 */
public final class SingleMemberLog extends AbstractBehavior<LogCommand> {

  private final ActorRef<Committed> applier;
  private final long term;
  private final int maxBatchEntries;
  private final long maxBatchBytes;
  private long lastIndex;
  private List<CommittedEntry> buffer = new ArrayList<>();
  private long bufferBytes;

  public static Behavior<LogCommand> create(
      long term, long lastIndex, ActorRef<Committed> applier, int maxBatchEntries, long maxBatchBytes) {
    return Behaviors.setup(
        ctx -> new SingleMemberLog(ctx, term, lastIndex, applier, maxBatchEntries, maxBatchBytes));
  }

  private SingleMemberLog(
      ActorContext<LogCommand> context,
      long term,
      long lastIndex,
      ActorRef<Committed> applier,
      int maxBatchEntries,
      long maxBatchBytes) {
    super(context);
    if (maxBatchEntries < 1 || maxBatchBytes < 1) {
      throw new IllegalArgumentException("batch caps must be positive");
    }
    this.term = term;
    this.lastIndex = lastIndex;
    this.applier = applier;
    this.maxBatchEntries = maxBatchEntries;
    this.maxBatchBytes = maxBatchBytes;
  }

  @Override
  public Receive<LogCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(LogCommand.Propose.class, this::onPropose)
        .onMessageEquals(LogCommand.Flush.INSTANCE, this::onFlush)
        .onMessage(LogCommand.ReadIndex.class, this::onReadIndex)
        .build();
  }

  private Behavior<LogCommand> onPropose(LogCommand.Propose propose) {
    if (buffer.isEmpty()) {
      getContext().getSelf().tell(LogCommand.Flush.INSTANCE);
    }
    lastIndex++;
    buffer.add(new CommittedEntry(lastIndex, term, propose.entry()));
    bufferBytes += propose.entry().getSerializedSize();
    if (buffer.size() >= maxBatchEntries || bufferBytes >= maxBatchBytes) {
      // The pending Flush will find whatever follows; this batch is full now.
      sendBuffer();
    }
    return this;
  }

  private Behavior<LogCommand> onFlush() {
    if (!buffer.isEmpty()) {
      sendBuffer();
    }
    return this;
  }

  private Behavior<LogCommand> onReadIndex(LogCommand.ReadIndex request) {
    // Everything appended is committed here: a single voter is its own quorum.
    request.replyTo().tell(new LogCommand.ReadIndexReply(lastIndex, term));
    return this;
  }

  private void sendBuffer() {
    applier.tell(new Committed(buffer));
    buffer = new ArrayList<>();
    bufferBytes = 0;
  }
}
