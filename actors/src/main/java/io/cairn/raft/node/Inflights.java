package io.cairn.raft.node;

import java.util.ArrayDeque;

/**
 * The appends sent to one follower in replicate state and not yet acknowledged (etcd's Inflights): bounded
 * by count and bytes, so a slow follower cannot make the leader buffer without limit.
 */
final class Inflights {

  private record Inflight(long lastIndex, long bytes) {}

  private final int maxMessages;
  private final long maxBytes;
  private final ArrayDeque<Inflight> window = new ArrayDeque<>();
  private long bytes;

  Inflights(int maxMessages, long maxBytes) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  void add(long lastIndex, long messageBytes) {
    window.addLast(new Inflight(lastIndex, messageBytes));
    bytes += messageBytes;
  }

  /** Acknowledged up to index: everything at or below it left the window. */
  void freeTo(long index) {
    while (!window.isEmpty() && window.peekFirst().lastIndex() <= index) {
      bytes -= window.pollFirst().bytes();
    }
  }

  boolean full() {
    return window.size() >= maxMessages || bytes >= maxBytes;
  }

  boolean isEmpty() {
    return window.isEmpty();
  }

  void clear() {
    window.clear();
    bytes = 0;
  }
}
