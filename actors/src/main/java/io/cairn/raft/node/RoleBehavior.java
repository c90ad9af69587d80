package io.cairn.raft.node;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.Receive;
import io.cairn.api.raft.RaftMessage;
import io.cairn.api.raft.ReadIndexResponse;
import io.cairn.api.raft.RequestVote;
import io.cairn.api.raft.RequestVoteResponse;
import io.cairn.raft.LogCommand;

/**
 * What every role does alike: the term rules of Raft §5.1 with etcd's pre-vote and check-quorum
 * refinements, voting (§5.2, §5.4.1), durability bookkeeping, and the dispatch of messages to the role.
 */
abstract class RoleBehavior extends AbstractBehavior<Object> {

  protected final RaftCore core;

  RoleBehavior(RaftCore core) {
    super(core.ctx);
    this.core = core;
  }

  @Override
  public final Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(LogCommand.Propose.class, p -> onPropose(p.entry().toByteString()))
        .onMessageEquals(LogCommand.Flush.INSTANCE, this::onFlush)
        .onMessage(LogCommand.ReadIndex.class, this::onReadIndex)
        .onMessage(RaftMessage.class, this::onRaftMessage)
        .onMessageEquals(RaftNode.Tick.INSTANCE, this::onTick)
        .onMessageEquals(RaftNode.Campaign.INSTANCE, this::onCampaign)
        .onMessage(RaftNode.Inspect.class, this::onInspect)
        .onMessage(RaftNode.AppendPersisted.class, this::onAppendPersistedCommon)
        .onMessage(RaftNode.VotePersisted.class, this::onVotePersisted)
        .onMessage(RaftNode.CampaignPersisted.class, this::onCampaignPersisted)
        .onMessageEquals(RaftNode.StartReadRound.INSTANCE, this::onStartReadRound)
        .onMessage(RaftNode.PersistFailed.class, this::onPersistFailed)
        .onMessage(LogCommand.Applied.class, this::onApplied)
        .onMessage(LogCommand.ProposeConfChange.class, p -> onProposeConfChange(p.entry().toByteString()))
        .onMessage(LogCommand.TransferLeadership.class, this::onTransferLeadership)
        .onMessage(RaftNode.RunOnNode.class, this::onRunOnNode)
        .onMessage(RaftNode.SnapshotInstalled.class, this::onSnapshotInstalled)
        .onMessage(RaftNode.SnapshotPersisted.class, this::onSnapshotPersisted)
        .build();
  }

  // --- role hooks -----------------------------------------------------------------------------------------

  abstract Behavior<Object> onPropose(com.google.protobuf.ByteString proposal);

  abstract Behavior<Object> onFlush();

  /** A configuration change: the leader appends it, others forward it or hold it until a leader is known. */
  Behavior<Object> onProposeConfChange(com.google.protobuf.ByteString proposal) {
    core.proposeConfChange(proposal);
    return this;
  }

  /** Only a leader transfers its leadership. */
  Behavior<Object> onTransferLeadership(LogCommand.TransferLeadership transfer) {
    return this;
  }

  /** The configuration in effect changed (the member applied it). */
  Behavior<Object> onConfiguration(io.cairn.raft.Configuration configuration) {
    core.applyConfiguration(configuration);
    return this;
  }

  abstract Behavior<Object> onReadIndex(LogCommand.ReadIndex request);

  abstract Behavior<Object> onTick();

  /** A RaftMessage of the current term (or a pre-vote exchange for term+1), after the term rules. */
  abstract Behavior<Object> step(RaftMessage message);

  Behavior<Object> onAppendPersisted(RaftNode.AppendPersisted persisted) {
    return this;
  }

  Behavior<Object> onCampaignPersisted(RaftNode.CampaignPersisted persisted) {
    return this;
  }

  Behavior<Object> onStartReadRound() {
    return this;
  }

  Behavior<Object> onCampaign() {
    if (!core.canVote()) {
      return this; // a learner never campaigns
    }
    return campaign();
  }

  /** Starts an election: a pre-vote round first (etcd with PreVote on). */
  RoleBehavior campaign() {
    return core.becomePreCandidate().startCampaign();
  }

  /**
   * The leader handed its leadership over to us (TimeoutNow, thesis §3.10): campaign at once, without a
   * pre-vote, and ask voters to ignore their leader lease (etcd's campaignTransfer).
   */
  RoleBehavior campaignForTransfer() {
    RaftCore.RAFT_LOG.info("{} is starting a new election at term {} (leadership transfer)", core.idHex(), core.term);
    return core.becomeCandidate().transfer().startCampaign();
  }

  // --- common handling ------------------------------------------------------------------------------------

  private Behavior<Object> onRaftMessage(RaftMessage m) {
    if (m.getClusterId() != core.settings.clusterId() || m.getTo() != core.self() || !core.isKnownMember(m.getFrom())) {
      return this; // another cluster, or a stray message
    }
    if (m.getTerm() > core.term) {
      if (isVoteRequest(m)) {
        // etcd's check-quorum lease: while we heard from a leader within the election timeout, a vote
        // request cannot be from a legitimate election (unless a leadership transfer asked for it).
        boolean inLease = core.leaderId != 0 && !core.clock.electionTimeoutPassed();
        if (inLease && !m.getVote().getTransfer()) {
          return this;
        }
      }
      boolean keepTerm =
          (isVoteRequest(m) && m.getVote().getPreVote())
              || (m.hasVoteResponse() && m.getVoteResponse().getPreVote() && m.getVoteResponse().getGranted());
      if (!keepTerm) {
        long leader = (m.hasAppend() || m.hasSnapshot()) ? m.getFrom() : 0;
        return core.becomeFollower(m.getTerm(), leader).dispatch(m);
      }
    } else if (m.getTerm() < core.term) {
      if (m.hasAppend()) {
        // A deposed leader that missed the new term: tell it, so it steps down (etcd does this with
        // check-quorum/pre-vote, where a higher-term vote request may never reach it).
        core.send(core.message(m.getFrom(), core.term).setAppendResponse(
            io.cairn.api.raft.AppendEntriesResponse.newBuilder().setSuccess(false)));
      } else if (isVoteRequest(m) && m.getVote().getPreVote()) {
        sendVoteResponse(m.getFrom(), core.term, true, false);
      } else if (m.hasForward()) {
        return step(m); // proposals are valid whatever the sender's term
      }
      return this;
    }
    return dispatch(m);
  }

  /** A message that passed the term rules, to the voting logic or to the role. */
  Behavior<Object> dispatch(RaftMessage m) {
    return isVoteRequest(m) ? onVoteRequest(m) : step(m);
  }

  private static boolean isVoteRequest(RaftMessage m) {
    return m.hasVote();
  }

  /** Raft §5.2 / §5.4.1, with etcd's pre-vote rule: a pre-vote for a higher term is granted on log alone. */
  private Behavior<Object> onVoteRequest(RaftMessage m) {
    if (!core.canVote()) {
      return this; // learners (and removed members) do not vote
    }
    RequestVote request = m.getVote();
    boolean preVote = request.getPreVote();
    boolean canVote =
        core.vote == m.getFrom()
            || (core.vote == 0 && core.leaderId == 0)
            || (preVote && m.getTerm() > core.term);
    if (canVote && core.isUpToDate(request.getLastLogTerm(), request.getLastLogIndex())) {
      if (preVote) {
        sendVoteResponse(m.getFrom(), m.getTerm(), true, true);
      } else {
        core.vote = m.getFrom();
        core.clock.reset();
        long voteTerm = core.term;
        long candidate = m.getFrom();
        // At most one vote per term, and it must survive a crash before anyone learns of it.
        core.pipe(core.saveHardState(), () -> new RaftNode.VotePersisted(voteTerm, candidate));
      }
    } else {
      sendVoteResponse(m.getFrom(), core.term, preVote, false);
    }
    return this;
  }

  private Behavior<Object> onVotePersisted(RaftNode.VotePersisted persisted) {
    if (persisted.term() == core.term && persisted.candidateId() == core.vote) {
      sendVoteResponse(persisted.candidateId(), core.term, false, true);
    }
    return this;
  }

  void sendVoteResponse(long to, long term, boolean preVote, boolean granted) {
    core.send(core.message(to, term).setVoteResponse(
        RequestVoteResponse.newBuilder().setPreVote(preVote).setGranted(granted)));
  }

  /** A forwarded read for a node that is not (or no longer) the leader: say so, the follower gives up. */
  void refuseReadIndex(RaftMessage m) {
    core.send(core.message(m.getFrom(), core.term).setReadIndexResponse(
        ReadIndexResponse.newBuilder().setContext(m.getReadIndex().getContext()).setOk(false)));
  }

  private Behavior<Object> onAppendPersistedCommon(RaftNode.AppendPersisted persisted) {
    core.markDurable(persisted.lastIndex(), persisted.lastTerm());
    return onAppendPersisted(persisted);
  }

  private Behavior<Object> onApplied(LogCommand.Applied applied) {
    core.compaction.onApplied(applied.index());
    if (applied.configuration() != null) {
      return onConfiguration(applied.configuration());
    }
    return this;
  }

  private Behavior<Object> onRunOnNode(RaftNode.RunOnNode run) {
    run.task().run();
    return this;
  }

  private Behavior<Object> onSnapshotInstalled(RaftNode.SnapshotInstalled installed) {
    core.followerSnapshots.onInstalled(installed);
    return this;
  }

  private Behavior<Object> onSnapshotPersisted(RaftNode.SnapshotPersisted persisted) {
    core.followerSnapshots.onPersisted(persisted);
    return this;
  }

  private Behavior<Object> onInspect(RaftNode.Inspect inspect) {
    inspect.replyTo().tell(core.state());
    return this;
  }

  private Behavior<Object> onPersistFailed(RaftNode.PersistFailed failed) {
    throw new IllegalStateException("raft log write failed; stopping the node", failed.cause());
  }
}
