package io.cairn.raft;

import akka.actor.typed.ActorRef;
import io.cairn.api.internal.LogEntry;

/**
 * The consensus interface the member uses (io.cairn.raft.node.RaftNode implements it); small on purpose:
 * propose an entry, ask the commit index for a linearizable read.
 */
public sealed interface LogCommand {

  /** Appends {@code entry}; it reaches the applier inside a {@link Committed} batch. */
  record Propose(LogEntry entry) implements LogCommand {}

  /**
   * Raft's ReadIndex: answered with the commit index as of now. Applying up to it makes a read
   * linearizable (etcd's linearizableReadLoop).
   */
  record ReadIndex(ActorRef<ReadIndexReply> replyTo) implements LogCommand {}

  record ReadIndexReply(long commitIndex, long term) {}

  /**
   * The member applied every entry up to {@code index} (send it after each applied batch is committed to
   * the store, and after a snapshot install). The Raft node compacts its log from it (Raft §7, etcd's
   * --snapshot-count). configuration, when not null, is the configuration in effect after that batch (a
   * configuration change was applied in it, or a snapshot installed): etcd's ApplyConfChange.
   */
  record Applied(long index, Configuration configuration) implements LogCommand {
    public Applied(long index) {
      this(index, null);
    }
  }

  /**
   * Appends {@code entry} (its payload a conf_change) as a CONF_CHANGE entry, unless a configuration change is
   * still unapplied: then the leader appends it as a NORMAL entry, which the applier refuses (etcd's raft turns
   * it into an empty entry). The new configuration takes effect when the member sends it with {@link Applied}.
   */
  record ProposeConfChange(LogEntry entry) implements LogCommand {}

  /**
   * Leadership transfer (Raft thesis §3.10, etcd's TransferLeadership): the leader catches targetId up, then
   * tells it to campaign at once (TimeoutNow). Ignored on a non-leader or for a target that cannot vote; the
   * member watches the leader change (or not) through the node's status.
   */
  record TransferLeadership(long targetId) implements LogCommand {}

  /** Internal: the proposals buffered so far form one batch. */
  enum Flush implements LogCommand {
    INSTANCE
  }
}
