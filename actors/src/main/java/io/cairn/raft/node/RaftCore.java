package io.cairn.raft.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import io.cairn.api.raft.Entry;
import io.cairn.api.raft.HardState;
import io.cairn.api.raft.RaftMessage;
import io.cairn.raft.Committed;
import io.cairn.raft.LogCommand;
import io.cairn.raft.log.RaftLogStore;
import io.cairn.raft.transport.RaftTransport;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state every role shares (Raft Figure 2's persistent and volatile state plus etcd's soft state) and
 * the role transitions. Only the node's actor touches it.
 */
final class RaftCore {

  /** etcd's raft logs through a logger named "raft"; operators grep these lines. */
  static final Logger RAFT_LOG = LoggerFactory.getLogger("raft");

  final ActorContext<Object> ctx;
  final RaftSettings settings;
  final RaftLogStore log;
  final ElectionClock clock;
  final ProposalBuffer proposals;
  final ForwardedReads forwardedReads;
  final SnapshotSender snapshotSender;
  final FollowerSnapshots followerSnapshots;
  final LogCompaction compaction;
  private final RaftTransport transport;
  private final CommitDelivery delivery;
  private final RaftStatusSink statusSink;
  private final String idHex;

  long term;
  long vote;
  /** The configuration in effect: the initial one, then each one the member applied (etcd ApplyConfChange). */
  io.cairn.raft.Configuration config;
  /**
   * The index of the last configuration change appended by this node as leader (etcd's pendingConfIndex): no
   * other may be appended until the member has applied it (one change at a time, thesis §4.1).
   */
  long pendingConfIndex;
  /**
   * A configuration change and the tick of the proposal clock ({@link ProposalBuffer#ticks}) it was proposed
   * at: like a proposal, it is forgotten once it is older than {@link #maxProposalWaitTicks}.
   */
  record ConfChangeProposal(com.google.protobuf.ByteString proposal, long proposedAtTick) {}

  /** Configuration changes proposed while no leader is known (etcd's ProposeConfChange waits for one). */
  final java.util.ArrayDeque<ConfChangeProposal> waitingConfChanges = new java.util.ArrayDeque<>();
  static final int MAX_WAITING_CONF_CHANGES = 16;
  /**
   * Configuration changes forwarded to the current leader, sent again to the next one if the leader changes (it
   * may have died with them): a duplicate is harmless, the applier refuses the second as etcd's apply-time
   * validation does — as long as the change is recent. Its client gives up after the member's request
   * timeout, and a change applied long after could undo newer ones (a MemberUpdate applied again reverts the
   * peer URLs a later update set): so each is kept only as long as a leaderless proposal may wait.
   */
  final java.util.ArrayDeque<ConfChangeProposal> forwardedConfChanges = new java.util.ArrayDeque<>();

  /** A non-leader's configuration change: forwarded to the known leader, else waits (bounded) for one. */
  void proposeConfChange(com.google.protobuf.ByteString proposal) {
    ConfChangeProposal change = new ConfChangeProposal(proposal, proposals.ticks());
    if (leaderId != 0) {
      forwardConfChange(change);
    } else if (waitingConfChanges.size() < MAX_WAITING_CONF_CHANGES) {
      waitingConfChanges.add(change); // sent once a leader is known; beyond the bound the timeout answers
    }
  }

  /** Forwards a configuration change to the known leader and remembers it for a leader change. */
  void forwardConfChange(ConfChangeProposal change) {
    send(message(leaderId, term).setForward(
        io.cairn.api.raft.ForwardProposals.newBuilder().addConfChanges(change.proposal())));
    if (forwardedConfChanges.size() >= MAX_WAITING_CONF_CHANGES) {
      forwardedConfChanges.poll();
    }
    forwardedConfChanges.add(change);
  }

  long leaderId;
  long commitIndex;
  RaftRole role;
  /** The last index known durable on this member (the leader's own match, §5.4.2). */
  long durableIndex;
  /** Completes when every append issued so far is durable: acks with nothing new chain on it. */
  private CompletionStage<Void> allAppendsDurable = CompletableFuture.completedFuture(null);
  private RaftNodeStatus published;

  RaftCore(
      ActorContext<Object> ctx,
      RaftSettings settings,
      RaftLogStore log,
      RaftTransport transport,
      ActorRef<Committed> applier,
      RaftStatusSink statusSink,
      RaftSnapshots snapshots,
      Random random) {
    this.ctx = ctx;
    this.settings = settings;
    this.log = log;
    this.transport = transport;
    this.statusSink = statusSink;
    this.snapshotSender = snapshots.sender();
    this.idHex = Long.toHexString(settings.memberId());
    this.clock = new ElectionClock(settings.electionTicks(), random);
    this.proposals = new ProposalBuffer(
        settings.maxPendingProposals(), settings.maxBatchEntries(), settings.maxBatchBytes());
    this.forwardedReads = new ForwardedReads(settings.maxPendingReads());
    this.config = new io.cairn.raft.Configuration(settings.voters(), settings.learners());
    HardState hardState = log.hardState();
    this.term = hardState.getTerm();
    this.vote = hardState.getVote();
    // Entries up to the applied index are in the store: they were committed before (etcd restarts with
    // commit = the snapshot/applied index).
    this.commitIndex = Math.min(settings.appliedIndex(), log.lastIndex());
    this.durableIndex = log.lastIndex(); // recovered from disk
    this.delivery = new CommitDelivery(
        log, applier, settings.appliedIndex(), settings.maxBatchEntries(), settings.maxBatchBytes());
    this.followerSnapshots = new FollowerSnapshots(this, snapshots);
    this.compaction = new LogCompaction(this);
  }

  Behavior<Object> start() {
    RoleBehavior follower = becomeFollower(term, 0);
    if (config.voters().size() == 1 && canVote()) {
      // A one-voter cluster need not wait an election timeout for nobody.
      return follower.campaign();
    }
    return follower;
  }

  long self() {
    return settings.memberId();
  }

  String idHex() {
    return idHex;
  }

  boolean isKnownMember(long id) {
    return config.contains(id);
  }

  /** A voter campaigns and votes; a learner or a member removed from the configuration never does. */
  boolean canVote() {
    return config.voters().contains(self());
  }

  int quorum() {
    return config.quorum();
  }

  /** The role a non-leader takes: a learner (not a voter) or a follower. */
  private RaftRole followerRole() {
    return config.learners().contains(self()) ? RaftRole.LEARNER : RaftRole.FOLLOWER;
  }

  /**
   * The member applied a configuration (etcd's ApplyConfChange). A promoted learner becomes a follower; the
   * leader adjusts its replication (LeaderRole); a member removed from it stops voting and campaigning.
   */
  void applyConfiguration(io.cairn.raft.Configuration next) {
    if (next.equals(config)) {
      return;
    }
    RAFT_LOG.info("{} applied configuration voters={} learners={}", idHex,
        next.voters().stream().map(Long::toHexString).sorted().toList(),
        next.learners().stream().map(Long::toHexString).sorted().toList());
    config = next;
    if (role == RaftRole.LEARNER || role == RaftRole.FOLLOWER) {
      role = followerRole();
      publishStatus();
    }
  }

  // --- transitions (etcd's becomeFollower / becomePreCandidate / becomeCandidate / becomeLeader) -------

  RoleBehavior becomeFollower(long newTerm, long newLeaderId) {
    if (role == RaftRole.LEADER) {
      snapshotSender.abortAll(); // transfers belong to a leadership that ended
    }
    if (newTerm != term) {
      term = newTerm;
      vote = 0;
      saveHardState();
    }
    role = followerRole();
    clock.reset();
    setLeader(newLeaderId);
    RAFT_LOG.info("{} became follower at term {}", idHex, term);
    publishStatus();
    return new FollowerRole(this);
  }

  CandidateRole becomePreCandidate() {
    // Thesis §9.6: campaign for term+1 without moving to it, so a partitioned node cannot inflate terms.
    role = RaftRole.PRE_CANDIDATE;
    clock.reset();
    setLeader(0);
    RAFT_LOG.info("{} became pre-candidate at term {}", idHex, term);
    publishStatus();
    return new CandidateRole(this, true);
  }

  CandidateRole becomeCandidate() {
    term++;
    vote = self();
    role = RaftRole.CANDIDATE;
    clock.reset();
    setLeader(0);
    RAFT_LOG.info("{} became candidate at term {}", idHex, term);
    publishStatus();
    long campaignTerm = term;
    pipe(saveHardState(), () -> new RaftNode.CampaignPersisted(campaignTerm));
    return new CandidateRole(this, false);
  }

  RoleBehavior becomeLeader() {
    role = RaftRole.LEADER;
    // etcd's becomeLeader: an unapplied change may be in the log; none may follow it until it is applied.
    pendingConfIndex = log.lastIndex();
    clock.reset();
    setLeader(self());
    RAFT_LOG.info("{} became leader at term {}", idHex, term);
    publishStatus();
    return new LeaderRole(this);
  }

  /** A leader of the current term made itself known (its first append after we learned the term). */
  void leaderHeard(long newLeaderId) {
    setLeader(newLeaderId);
    publishStatus();
  }

  private void setLeader(long newLeaderId) {
    if (newLeaderId == leaderId) {
      return;
    }
    if (newLeaderId == 0) {
      RAFT_LOG.info("raft.node: {} lost leader {} at term {}", idHex, Long.toHexString(leaderId), term);
    } else if (leaderId == 0) {
      RAFT_LOG.info("raft.node: {} elected leader {} at term {}", idHex, Long.toHexString(newLeaderId), term);
    } else {
      RAFT_LOG.info("raft.node: {} changed leader from {} to {} at term {}",
          idHex, Long.toHexString(leaderId), Long.toHexString(newLeaderId), term);
    }
    leaderId = newLeaderId;
    // Reads forwarded to the old leader will not be answered by the new one.
    forwardedReads.clear();
    if (newLeaderId != 0 && !forwardedConfChanges.isEmpty()) {
      // The old leader may have died with them: the new one gets them again.
      java.util.List<ConfChangeProposal> again = new java.util.ArrayList<>(forwardedConfChanges);
      forwardedConfChanges.clear();
      if (newLeaderId == self()) {
        waitingConfChanges.addAll(again);
      } else {
        again.forEach(this::forwardConfChange);
      }
    }
    if (newLeaderId != 0 && (!proposals.isEmpty() || !waitingConfChanges.isEmpty())) {
      ctx.getSelf().tell(LogCommand.Flush.INSTANCE); // forward what waited for a leader
    }
  }

  // --- log ------------------------------------------------------------------------------------------------

  /** The entry at index has term (compacted entries are committed, so they match any leader's). */
  boolean matchTerm(long index, long entryTerm) {
    if (index > log.lastIndex()) {
      return false;
    }
    if (index < log.snapshotMeta().getIndex()) {
      return true;
    }
    return log.term(index) == entryTerm;
  }

  long lastTerm() {
    return log.term(log.lastIndex());
  }

  /** §5.4.1: the candidate's log is at least as up-to-date as ours. */
  boolean isUpToDate(long candidateLastTerm, long candidateLastIndex) {
    long myLastTerm = lastTerm();
    return candidateLastTerm > myLastTerm
        || (candidateLastTerm == myLastTerm && candidateLastIndex >= log.lastIndex());
  }

  /**
   * Appends (the store truncates a conflicting suffix first) and piggybacks the follower's ack, if any, on
   * the durable completion. The completion is chained behind every earlier append, so it implies they are
   * durable too even if a store completed out of order.
   */
  void append(List<Entry> entries, RaftNode.FollowerAck ack) {
    long first = entries.get(0).getIndex();
    if (first <= durableIndex) {
      durableIndex = first - 1; // the overwritten suffix no longer counts as ours
    }
    Entry last = entries.get(entries.size() - 1);
    allAppendsDurable = allAppendsDurable.thenCombine(log.append(entries), (a, b) -> null);
    pipe(allAppendsDurable, () -> new RaftNode.AppendPersisted(last.getIndex(), last.getTerm(), ack));
  }

  /** Acks entries already appended: once every append issued so far is durable (nothing new to write). */
  void ackWhenDurable(long lastIndex, long lastTerm, RaftNode.FollowerAck ack) {
    pipe(allAppendsDurable, () -> new RaftNode.AppendPersisted(lastIndex, lastTerm, ack));
  }

  /** An append completed: the log is durable up to lastIndex unless that entry was overwritten since. */
  void markDurable(long lastIndex, long lastTerm) {
    if (lastIndex > durableIndex && matchTerm(lastIndex, lastTerm)) {
      durableIndex = lastIndex;
      deliverCommitted(); // committed entries that waited for this member's own append
    }
  }

  CompletionStage<Void> saveHardState() {
    CompletionStage<Void> saved = log.saveHardState(HardState.newBuilder().setTerm(term).setVote(vote).build());
    pipeFailure(saved);
    return saved;
  }

  /** Stops the node if a durable write fails (nothing to do on success). */
  void pipeFailure(CompletionStage<?> stage) {
    stage.whenComplete((v, error) -> {
      if (error != null) {
        ctx.getSelf().tell(new RaftNode.PersistFailed(error));
      }
    });
  }

  /**
   * The store now holds a snapshot at meta.index (Raft §7): the log is replaced by the snapshot point,
   * everything up to it counts as committed and applied. Completes when the reset is durable, together
   * with every append issued before it.
   */
  CompletionStage<Void> restoreTo(io.cairn.api.raft.SnapshotMeta meta) {
    allAppendsDurable = allAppendsDurable.thenCombine(log.resetToSnapshot(meta), (a, b) -> null);
    delivery.skipTo(meta.getIndex());
    compaction.restored(meta.getIndex());
    if (meta.getIndex() > commitIndex) {
      commitIndex = meta.getIndex();
      publishStatus();
    }
    return allAppendsDurable;
  }

  <T> void pipe(CompletionStage<T> stage, Supplier<Object> onSuccess) {
    ctx.pipeToSelf(stage, (value, error) -> error != null ? new RaftNode.PersistFailed(error) : onSuccess.get());
  }

  // --- commit ---------------------------------------------------------------------------------------------

  /** Moves the commit index forward (never back) and hands the newly committed entries to the applier. */
  boolean advanceCommit(long newCommitIndex) {
    if (newCommitIndex <= commitIndex) {
      return false;
    }
    commitIndex = newCommitIndex;
    deliverCommitted();
    publishStatus();
    return true;
  }

  /**
   * Hands the applier what is committed and also durable in this member's own log (etcd raft's Ready
   * contract: entries are persisted before they are applied). A follower learns the commit index before its
   * own append of those entries is durable; applying them earlier lets the store's applied index, which a
   * restart trusts as committed, get ahead of the journal — past a suffix truncation still in flight.
   * (First in eb7f0ce, backed out in f5f751a over a 5-member first-put timeout that no longer occurs:
   * ClusterFiveMembersTest passed 3 of 3 runs with it and FollowerRole's matching claim rule.)
   */
  private void deliverCommitted() {
    delivery.deliverUpTo(Math.min(commitIndex, durableIndex));
  }

  /**
   * Proposals that waited for a leader longer than two election timeouts are dropped (their clients get the
   * member's proposal timeout). etcd drops a proposal at once when no leader is known; waiting out one
   * election is kinder, but a proposal must not enter the log long after its client gave up on it: applied
   * then, it would silently overwrite what the client wrote since. Configuration changes age alike, waiting
   * or forwarded (kept for a resend to the next leader). Called on every tick of a non-leader.
   */
  void expireLeaderlessProposals() {
    proposals.tick();
    long oldestKept = proposals.ticks() - maxProposalWaitTicks();
    forwardedConfChanges.removeIf(c -> c.proposedAtTick() < oldestKept);
    if (leaderId != 0) {
      return; // forwarded as they come
    }
    int dropped = proposals.dropOlderThan(maxProposalWaitTicks());
    int waiting = waitingConfChanges.size();
    waitingConfChanges.removeIf(c -> c.proposedAtTick() < oldestKept);
    dropped += waiting - waitingConfChanges.size();
    if (dropped > 0) {
      RAFT_LOG.warn("{} dropped {} proposals that waited {} ticks without a leader",
          idHex, dropped, maxProposalWaitTicks());
    }
  }

  /** How long a proposal may wait for a leader (or a forwarded conf change for a resend): two election timeouts. */
  long maxProposalWaitTicks() {
    return 2L * settings.electionTicks();
  }

  // --- messages -------------------------------------------------------------------------------------------

  RaftMessage.Builder message(long to, long messageTerm) {
    return RaftMessage.newBuilder()
        .setFrom(self())
        .setTo(to)
        .setTerm(messageTerm)
        .setClusterId(settings.clusterId());
  }

  void send(RaftMessage.Builder message) {
    transport.send(message.build());
  }

  void publishStatus() {
    RaftNodeStatus status = new RaftNodeStatus(self(), leaderId, term, commitIndex, role);
    if (!status.equals(published)) {
      published = status;
      statusSink.onStatus(status);
    }
  }

  RaftNode.NodeState state() {
    return new RaftNode.NodeState(self(), role, term, vote, leaderId, commitIndex, log.lastIndex(), durableIndex);
  }
}
