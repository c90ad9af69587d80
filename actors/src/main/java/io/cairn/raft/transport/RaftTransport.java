package io.cairn.raft.transport;

import akka.actor.typed.ActorRef;
import io.cairn.api.raft.RaftMessage;

/**
 * Carries Raft messages between members. Best effort (Raft tolerates loss, duplication and reordering),
 * never blocking, and bounded: when a peer is unreachable or its outbound buffer is full, messages are
 * dropped and Raft's retries take over.
 *
 * <p>Implementations: {@link io.cairn.raft.transport.ClusterTransport} (Akka Cluster over Artery, protobuf
 * serialization) and an in-memory twin for tests (a network that can drop, delay and partition).
 */
public interface RaftTransport {

  /** Sends message to member message.getTo(). */
  void send(RaftMessage message);

  /** Where messages addressed to this member are delivered. Called once, before any message flows. */
  void deliverTo(ActorRef<RaftMessage> inbound);
}
