package io.cairn.raft.node;

import akka.actor.typed.ActorRef;
import io.cairn.raft.LogCommand;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The leader's ReadIndex (Raft thesis §6.4), batched: requests queue up until a round starts; a round
 * records the commit index and is confirmed once a quorum of voters answers a heartbeat carrying its
 * context (or a later one: rounds are ordered, so confirming a later round confirms the earlier ones). One
 * round serves every request queued behind it. Bounded by maxPendingReads requests overall.
 */
final class ReadIndexRounds {

  /** Who asked: this member, or a follower that forwarded a ReadIndexRequest. */
  sealed interface Requester {}

  record Local(ActorRef<LogCommand.ReadIndexReply> replyTo) implements Requester {}

  record Remote(long memberId, long context) implements Requester {}

  /** A round that reached a quorum: answer each requester with readIndex. */
  record Confirmed(long readIndex, List<Requester> requesters) {}

  private static final class Round {
    final long context;
    final long readIndex;
    final List<Requester> requesters;
    final Set<Long> acks = new HashSet<>();

    Round(long context, long readIndex, List<Requester> requesters) {
      this.context = context;
      this.readIndex = readIndex;
      this.requesters = requesters;
    }
  }

  private final int maxPendingReads;
  private final ArrayDeque<Round> rounds = new ArrayDeque<>();
  private List<Requester> waiting = new ArrayList<>();
  private int pendingCount;
  private long lastContext;

  ReadIndexRounds(int maxPendingReads) {
    this.maxPendingReads = maxPendingReads;
  }

  /** Queues a request for the next round; false when full (dropped: the requester's wait times out). */
  boolean enqueue(Requester requester) {
    if (pendingCount >= maxPendingReads) {
      return false;
    }
    waiting.add(requester);
    pendingCount++;
    return true;
  }

  boolean hasWaiting() {
    return !waiting.isEmpty();
  }

  /** Starts a round for everything waiting, at readIndex; the leader's own ack is counted. */
  long startRound(long readIndex, long selfId) {
    Round round = new Round(++lastContext, readIndex, waiting);
    round.acks.add(selfId);
    rounds.addLast(round);
    waiting = new ArrayList<>();
    return round.context;
  }

  /** The newest round's context (0: none pending): heartbeats carry it so a lost heartbeat is retried. */
  long latestContext() {
    return rounds.isEmpty() ? 0 : rounds.peekLast().context;
  }

  /** A voter answered a heartbeat with context; returns the rounds that now have a quorum, oldest first. */
  List<Confirmed> acknowledge(long voterId, long context, int quorum) {
    for (Round round : rounds) {
      if (round.context <= context) {
        round.acks.add(voterId);
      }
    }
    return confirmed(quorum);
  }

  List<Confirmed> confirmed(int quorum) {
    // A later round's quorum confirms the earlier ones: their heartbeats were answered in the same term.
    Round lastConfirmed = null;
    for (Round round : rounds) {
      if (round.acks.size() >= quorum) {
        lastConfirmed = round;
      }
    }
    List<Confirmed> result = new ArrayList<>();
    while (lastConfirmed != null && !rounds.isEmpty()) {
      Round round = rounds.pollFirst();
      pendingCount -= round.requesters.size();
      result.add(new Confirmed(round.readIndex, round.requesters));
      if (round == lastConfirmed) {
        break;
      }
    }
    return result;
  }

  /** Leadership lost: nothing pending is answered (the requesters' waits time out, as etcd's do). */
  void clear() {
    rounds.clear();
    waiting = new ArrayList<>();
    pendingCount = 0;
  }
}
