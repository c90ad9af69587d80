package io.cairn.raft.node;

/**
 * Told every change of (leaderId, term, commitIndex, role), from the node's actor thread: keep it cheap and
 * non-blocking (e.g. write a volatile or tell an actor).
 */
@FunctionalInterface
public interface RaftStatusSink {

  void onStatus(RaftNodeStatus status);

  RaftStatusSink NONE = status -> {};
}
