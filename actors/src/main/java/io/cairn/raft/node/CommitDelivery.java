package io.cairn.raft.node;

import akka.actor.typed.ActorRef;
import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.api.internal.LogEntry;
import io.cairn.api.raft.Entry;
import io.cairn.api.raft.EntryType;
import io.cairn.raft.Committed;
import io.cairn.raft.CommittedEntry;
import io.cairn.raft.log.RaftLogStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands committed entries to the applier exactly once, in index order, in batches capped by entries and
 * bytes (etcd's Ready.CommittedEntries). Starts after the store's applied index: nothing at or below it is
 * handed over again.
 */
final class CommitDelivery {

  private final RaftLogStore log;
  private final ActorRef<Committed> applier;
  private final int maxBatchEntries;
  private final long maxBatchBytes;
  private long deliveredIndex;

  CommitDelivery(RaftLogStore log, ActorRef<Committed> applier, long appliedIndex, int maxBatchEntries,
      long maxBatchBytes) {
    this.log = log;
    this.applier = applier;
    this.deliveredIndex = appliedIndex;
    this.maxBatchEntries = maxBatchEntries;
    this.maxBatchBytes = maxBatchBytes;
  }

  /** A snapshot brought the store to index: entries up to it are never handed over. */
  void skipTo(long index) {
    deliveredIndex = Math.max(deliveredIndex, index);
  }

  void deliverUpTo(long commitIndex) {
    while (deliveredIndex < commitIndex) {
      long to = Math.min(commitIndex, deliveredIndex + maxBatchEntries);
      List<Entry> entries = log.entries(deliveredIndex + 1, to + 1, maxBatchBytes);
      List<CommittedEntry> batch = new ArrayList<>(entries.size());
      for (Entry entry : entries) {
        batch.add(new CommittedEntry(entry.getIndex(), entry.getTerm(), payload(entry),
            entry.getType() == EntryType.CONF_CHANGE));
      }
      applier.tell(new Committed(batch));
      deliveredIndex = entries.get(entries.size() - 1).getIndex();
    }
  }

  private static LogEntry payload(Entry entry) {
    // An empty entry is a new leader's no-op (§5.4.2). Configuration changes carry a LogEntry too.
    if (entry.getData().isEmpty()) {
      return LogEntry.getDefaultInstance();
    }
    try {
      return LogEntry.parseFrom(entry.getData());
    } catch (InvalidProtocolBufferException e) {
      // A committed entry that does not parse means a corrupt log: applying around it would diverge.
      throw new IllegalStateException("committed entry " + entry.getIndex() + " is not a LogEntry", e);
    }
  }
}
