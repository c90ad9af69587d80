package io.cairn.raft.transport;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.cairn.api.raft.RaftMessage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The member's inbound end of the Raft transport, at the well-known path peers send to. Drops what is not for
 * this member of this cluster (a member of another cluster reusing an address, or a stale peer that still has an
 * old member ID there), and what arrives before the Raft node registered.
 */
final class RaftReceiver {
  private RaftReceiver() {}

  static Behavior<RaftMessage> create(
      long clusterId, long selfId, AtomicReference<ActorRef<RaftMessage>> target, LongAdder dropped) {
    return Behaviors.receive(RaftMessage.class)
        .onMessage(RaftMessage.class, m -> {
          ActorRef<RaftMessage> to = target.get();
          if (m.getClusterId() != clusterId || m.getTo() != selfId || to == null) {
            dropped.increment();
          } else {
            to.tell(m);
          }
          return Behaviors.same();
        })
        .build();
  }
}
