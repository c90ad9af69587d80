package io.cairn.raft.node;

import akka.actor.typed.Behavior;
import com.google.protobuf.ByteString;
import io.cairn.api.raft.AppendEntries;
import io.cairn.api.raft.AppendEntriesResponse;
import io.cairn.api.raft.Entry;
import io.cairn.api.raft.RaftMessage;
import io.cairn.api.raft.ReadIndexRequest;
import io.cairn.raft.LogCommand;
import java.util.List;

/**
 * Follower (and learner: a follower that never campaigns or votes). Accepts the leader's appends after the
 * consistency check (Raft §5.3), acknowledges them only once durable, forwards proposals and ReadIndex
 * requests to the leader.
 */
final class FollowerRole extends RoleBehavior {

  FollowerRole(RaftCore core) {
    super(core);
  }

  @Override
  Behavior<Object> onTick() {
    core.clock.tick();
    core.expireLeaderlessProposals();
    if (core.canVote() && core.clock.timedOut()) {
      return campaign(); // §5.2: no word from a leader within the (randomized) election timeout
    }
    return this;
  }

  @Override
  Behavior<Object> onPropose(ByteString proposal) {
    ProposalForwarding.propose(core, proposal);
    return this;
  }

  @Override
  Behavior<Object> onFlush() {
    ProposalForwarding.flush(core);
    return this;
  }

  @Override
  Behavior<Object> onReadIndex(LogCommand.ReadIndex request) {
    if (core.leaderId == 0) {
      return this; // no leader: no answer; the member's bounded wait reports it
    }
    long context = core.forwardedReads.register(request.replyTo());
    core.send(core.message(core.leaderId, core.term)
        .setReadIndex(ReadIndexRequest.newBuilder().setContext(context)));
    return this;
  }

  @Override
  Behavior<Object> step(RaftMessage m) {
    switch (m.getBodyCase()) {
      case APPEND -> onAppend(m.getFrom(), m.getAppend());
      case READ_INDEX_RESPONSE -> {
        var replyTo = core.forwardedReads.take(m.getReadIndexResponse().getContext());
        if (replyTo != null && m.getReadIndexResponse().getOk()) {
          replyTo.tell(new LogCommand.ReadIndexReply(m.getReadIndexResponse().getIndex(), core.term));
        }
      }
      case READ_INDEX -> refuseReadIndex(m);
      case TIMEOUT_NOW -> {
        if (core.canVote() && m.getFrom() == core.leaderId) {
          return campaignForTransfer();
        }
      }
      case SNAPSHOT -> {
        core.clock.reset();
        if (core.leaderId != m.getFrom()) {
          core.leaderHeard(m.getFrom());
        }
        core.followerSnapshots.onChunk(m);
      }
      default -> {
        // Vote responses, append responses, forwarded proposals: not for a follower.
      }
    }
    return this;
  }

  private void onAppend(long from, AppendEntries append) {
    core.clock.reset();
    if (core.followerSnapshots.installing()) {
      // The log is about to be replaced by the snapshot: nothing may be appended meanwhile (§7); the
      // leader sends again after our done.
      return;
    }
    if (core.leaderId != from) {
      // Same term, new leader heard from (we were follower without a leader, or restarted).
      core.leaderHeard(from);
    }
    long prevIndex = append.getPrevLogIndex();
    RaftNode.FollowerAck ack = new RaftNode.FollowerAck(core.term, from, append.getReadContext());
    if (prevIndex < core.commitIndex) {
      // Everything up to our commit index matches any leader's log (Leader Completeness, §5.4); but claim
      // only what is durable here: the leader never probes below the match index it keeps for us, so after a
      // kill -9 with a shorter log we would reject its every probe (the fault smoke's follower that never
      // caught up).
      respond(from, true, Math.min(core.commitIndex, core.durableIndex), 0, append.getReadContext());
      return;
    }
    if (!core.matchTerm(prevIndex, append.getPrevLogTerm())) {
      respond(from, false, prevIndex, rejectHint(prevIndex, append.getPrevLogTerm()), append.getReadContext());
      return;
    }
    List<Entry> entries = append.getEntriesList();
    int firstNew = 0;
    while (firstNew < entries.size()
        && core.matchTerm(entries.get(firstNew).getIndex(), entries.get(firstNew).getTerm())) {
      firstNew++;
    }
    long lastNewIndex = prevIndex + entries.size();
    long lastNewTerm = entries.isEmpty() ? append.getPrevLogTerm() : entries.get(entries.size() - 1).getTerm();
    if (firstNew < entries.size()) {
      long conflictIndex = entries.get(firstNew).getIndex();
      if (conflictIndex <= core.commitIndex) {
        // Would rewrite committed history: a safety violation somewhere, stop rather than diverge.
        throw new IllegalStateException("entry " + conflictIndex + " conflicts with committed index " + core.commitIndex);
      }
      // §5.3: delete the conflicting entry and all that follow it, then append (the store does both).
      core.append(entries.subList(firstNew, entries.size()), ack);
    } else if (!(append.getCommitOnly() && entries.isEmpty())) {
      // A commit-only notice matching our log is not answered (raft.proto): the leader already has our match.
      core.ackWhenDurable(lastNewIndex, lastNewTerm, ack);
    }
    // §5.3: commitIndex = min(leaderCommit, index of last new entry).
    core.advanceCommit(Math.min(append.getLeaderCommit(), lastNewIndex));
  }

  /**
   * Where the leader should try next: past our log's end, or (term mismatch at prevIndex) past the last
   * entry whose term is not above prevTerm, since no entry with a higher term can match the leader's log
   * below prevIndex (etcd's findConflictByTerm).
   */
  private long rejectHint(long prevIndex, long prevTerm) {
    long lastIndex = core.log.lastIndex();
    if (prevIndex > lastIndex) {
      return lastIndex + 1;
    }
    long index = prevIndex - 1;
    long floor = Math.max(core.commitIndex, core.log.snapshotMeta().getIndex());
    while (index > floor && core.log.term(index) > prevTerm) {
      index--;
    }
    return index + 1;
  }

  @Override
  Behavior<Object> onAppendPersisted(RaftNode.AppendPersisted persisted) {
    RaftNode.FollowerAck ack = persisted.ack();
    if (ack == null || ack.term() != core.term || ack.leaderId() != core.leaderId) {
      return this; // the term moved on; the new leader will probe again
    }
    if (core.matchTerm(persisted.lastIndex(), persisted.lastTerm())) {
      respond(ack.leaderId(), true, persisted.lastIndex(), 0, ack.readContext());
    }
    return this;
  }

  private void respond(long leader, boolean success, long matchIndex, long rejectHint, long readContext) {
    core.send(core.message(leader, core.term).setAppendResponse(AppendEntriesResponse.newBuilder()
        .setSuccess(success)
        .setMatchIndex(matchIndex)
        .setRejectHint(rejectHint)
        .setReadContext(readContext)));
  }
}
