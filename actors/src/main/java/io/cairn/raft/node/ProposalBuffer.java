package io.cairn.raft.node;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Proposals (serialized LogEntry) waiting to be appended by the leader or forwarded to it. Bounded: beyond
 * maxPending a proposal is dropped and the member's proposal timeout answers the client (as etcd drops
 * proposals when there is no leader). Drained in batches capped by entries and bytes, so that many
 * proposals share one log append (one fsync) or one ForwardProposals message. Each remembers the tick it
 * arrived at, so that proposals waiting too long for a leader can be dropped ({@link #dropOlderThan}).
 */
final class ProposalBuffer {

  private final int maxPending;
  private final int maxBatchEntries;
  private final long maxBatchBytes;
  private record Pending(ByteString proposal, long arrivedAtTick) {}

  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private long pendingBytes;
  private long ticks;

  ProposalBuffer(int maxPending, int maxBatchEntries, long maxBatchBytes) {
    this.maxPending = maxPending;
    this.maxBatchEntries = maxBatchEntries;
    this.maxBatchBytes = maxBatchBytes;
  }

  /** False when full (the proposal is dropped). */
  boolean add(ByteString proposal) {
    if (pending.size() >= maxPending) {
      return false;
    }
    pending.addLast(new Pending(proposal, ticks));
    pendingBytes += proposal.size();
    return true;
  }

  /** One tick of the node's logical clock passed. */
  void tick() {
    ticks++;
  }

  /** The ticks counted so far: the clock proposals' ages are measured on. */
  long ticks() {
    return ticks;
  }

  /** Drops the proposals that arrived more than maxAgeTicks ticks ago; returns how many. */
  int dropOlderThan(long maxAgeTicks) {
    int dropped = 0;
    while (!pending.isEmpty() && ticks - pending.peekFirst().arrivedAtTick() > maxAgeTicks) {
      pendingBytes -= pending.pollFirst().proposal().size();
      dropped++;
    }
    return dropped;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** A full batch is waiting: drain it now instead of waiting for the Flush. */
  boolean hasFullBatch() {
    return pending.size() >= maxBatchEntries || pendingBytes >= maxBatchBytes;
  }

  /** The next batch: at least one proposal, at most maxBatchEntries and (beyond the first) maxBatchBytes. */
  List<ByteString> nextBatch() {
    List<ByteString> batch = new ArrayList<>();
    long bytes = 0;
    while (!pending.isEmpty() && batch.size() < maxBatchEntries) {
      ByteString next = pending.peekFirst().proposal();
      if (!batch.isEmpty() && bytes + next.size() > maxBatchBytes) {
        break;
      }
      pending.pollFirst();
      pendingBytes -= next.size();
      bytes += next.size();
      batch.add(next);
    }
    return batch;
  }
}
