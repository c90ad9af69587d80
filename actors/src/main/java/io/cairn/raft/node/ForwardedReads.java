package io.cairn.raft.node;

import akka.actor.typed.ActorRef;
import io.cairn.raft.LogCommand;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ReadIndex requests a follower forwarded to its leader, by context, waiting for the leader's index.
 * Bounded: when full the oldest is forgotten (its member-side wait times out), since a lost forward would
 * otherwise occupy a slot forever.
 */
final class ForwardedReads {

  private final int maxPending;
  private final Map<Long, ActorRef<LogCommand.ReadIndexReply>> pending = new LinkedHashMap<>();
  private long nextContext = 1;

  ForwardedReads(int maxPending) {
    this.maxPending = maxPending;
  }

  long register(ActorRef<LogCommand.ReadIndexReply> replyTo) {
    if (pending.size() >= maxPending) {
      Iterator<Long> oldest = pending.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    long context = nextContext++;
    pending.put(context, replyTo);
    return context;
  }

  /** The waiter for context, removed; null if unknown (answered already, or forgotten). */
  ActorRef<LogCommand.ReadIndexReply> take(long context) {
    return pending.remove(context);
  }

  /** The leader changed or went away: nobody will answer these (no answer → the member's wait times out). */
  void clear() {
    pending.clear();
  }
}
