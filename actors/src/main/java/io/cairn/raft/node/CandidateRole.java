package io.cairn.raft.node;

import akka.actor.typed.Behavior;
import com.google.protobuf.ByteString;
import io.cairn.api.raft.RaftMessage;
import io.cairn.api.raft.RequestVote;
import io.cairn.api.raft.RequestVoteResponse;
import io.cairn.raft.LogCommand;

/**
 * Pre-candidate (thesis §9.6: asks for votes for term+1 without moving to it) and candidate (§5.2). A
 * pre-vote majority makes a candidate; a vote majority makes the leader; a majority of rejections, or an
 * append from a leader of this term, makes a follower again.
 */
final class CandidateRole extends RoleBehavior {

  private final boolean preVote;
  private final VoteTally tally;
  /** Campaigning because the leader handed over (TimeoutNow): voters ignore their lease. */
  private boolean transfer;

  CandidateRole(RaftCore core, boolean preVote) {
    super(core);
    this.preVote = preVote;
    this.tally = new VoteTally(core.config.voters().size());
  }

  /** The term the votes are for: a pre-vote asks for the term it would move to. */
  private long campaignTerm() {
    return preVote ? core.term + 1 : core.term;
  }

  CandidateRole transfer() {
    this.transfer = true;
    return this;
  }

  /** Pre-vote: asks at once. Candidate: asks once its term and self-vote are durable (CampaignPersisted). */
  RoleBehavior startCampaign() {
    if (preVote) {
      requestVotes();
    }
    return countVote(core.self(), true);
  }

  @Override
  Behavior<Object> onCampaignPersisted(RaftNode.CampaignPersisted persisted) {
    if (!preVote && persisted.term() == core.term) {
      requestVotes();
    }
    return this;
  }

  private void requestVotes() {
    RequestVote.Builder request = RequestVote.newBuilder()
        .setPreVote(preVote)
        .setLastLogIndex(core.log.lastIndex())
        .setLastLogTerm(core.lastTerm())
        .setTransfer(transfer);
    for (long voter : core.config.voters()) {
      if (voter != core.self()) {
        core.send(core.message(voter, campaignTerm()).setVote(request));
      }
    }
  }

  private RoleBehavior countVote(long voter, boolean granted) {
    return switch (tally.record(voter, granted)) {
      case WON -> preVote ? core.becomeCandidate().startCampaign() : core.becomeLeader();
      case LOST -> core.becomeFollower(core.term, 0);
      case PENDING -> this;
    };
  }

  @Override
  Behavior<Object> step(RaftMessage m) {
    switch (m.getBodyCase()) {
      case APPEND, SNAPSHOT -> {
        // §5.2: a leader of our term exists; a pre-candidate also yields to it (etcd).
        return core.becomeFollower(core.term, m.getFrom()).step(m);
      }
      case VOTE_RESPONSE -> {
        RequestVoteResponse response = m.getVoteResponse();
        // Granted pre-votes carry term+1; rejections carry the voter's term, which is ours here.
        long expectedTerm = response.getGranted() ? campaignTerm() : core.term;
        if (response.getPreVote() == preVote && m.getTerm() == expectedTerm) {
          return countVote(m.getFrom(), response.getGranted());
        }
        return this;
      }
      case READ_INDEX -> {
        refuseReadIndex(m);
        return this;
      }
      default -> {
        return this;
      }
    }
  }

  @Override
  Behavior<Object> onTick() {
    core.clock.tick();
    core.expireLeaderlessProposals();
    if (core.clock.timedOut()) {
      return campaign(); // split vote or lost messages: start over with a pre-vote (etcd)
    }
    return this;
  }

  @Override
  Behavior<Object> onPropose(ByteString proposal) {
    ProposalForwarding.propose(core, proposal); // buffered until a leader is known
    return this;
  }

  @Override
  Behavior<Object> onFlush() {
    return this;
  }

  @Override
  Behavior<Object> onReadIndex(LogCommand.ReadIndex request) {
    return this; // no leader: no answer
  }
}
