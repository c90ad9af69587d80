package io.cairn.raft.node;

import akka.actor.typed.Behavior;
import com.google.protobuf.ByteString;
import io.cairn.api.internal.ConfChange;
import io.cairn.api.internal.LogEntry;
import io.cairn.api.raft.AppendEntries;
import io.cairn.api.raft.AppendEntriesResponse;
import io.cairn.api.raft.Entry;
import io.cairn.api.raft.EntryType;
import io.cairn.api.raft.RaftMessage;
import io.cairn.api.raft.ReadIndexResponse;
import io.cairn.raft.LogCommand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Leader: appends proposals in batches (one durable write each) while replicating them (§5.3), commits by
 * quorum in its own term only (§5.4.2, Figure 8), confirms ReadIndex rounds with a heartbeat round (thesis
 * §6.4), and steps down when it has not heard from a quorum within an election timeout (etcd check-quorum).
 */
final class LeaderRole extends RoleBehavior {
  /** etcd logs a peer's (in)activity under rafthttp. */
  private static final org.slf4j.Logger PEER_LOG = org.slf4j.LoggerFactory.getLogger("rafthttp");

  private final Map<Long, Progress> peers = new LinkedHashMap<>();
  private final ReadIndexRounds reads;
  private boolean readRoundScheduled;
  /** The voter leadership is being handed to (etcd's leadTransferee), 0 when none. */
  private long transferee;
  /** Ticks since the transfer started: it is abandoned after an election timeout (etcd). */
  private int transferTicks;

  LeaderRole(RaftCore core) {
    super(core);
    this.reads = new ReadIndexRounds(core.settings.maxPendingReads());
    syncPeers();
    // §5.4.2 / §8: an empty entry of the new term commits everything before it, and lets ReadIndex start.
    appendLocally(List.of(ByteString.EMPTY));
    // Proposals buffered before the election go out on the Flush RaftCore.setLeader sent when we became leader.
    while (!core.waitingConfChanges.isEmpty()) {
      onProposeConfChange(core.waitingConfChanges.poll().proposal());
    }
  }

  /**
   * One Progress per other member of the configuration: new members start probing at the end of the log,
   * removed ones are forgotten (etcd's applyConfChange on the leader's tracker).
   */
  private void syncPeers() {
    long next = core.log.lastIndex() + 1;
    List<Long> members = new ArrayList<>(core.config.voters());
    members.addAll(core.config.learners());
    for (long id : members) {
      if (id == core.self()) {
        continue;
      }
      Progress progress = peers.get(id);
      if (progress == null) {
        peers.put(id, new Progress(id, core.config.voters().contains(id), next,
            new Inflights(core.settings.maxInflightAppends(), core.settings.maxInflightBytes()),
            core.settings.electionTicks()));
      } else {
        progress.voter = core.config.voters().contains(id); // a promoted learner now counts
      }
    }
    peers.keySet().removeIf(id -> !core.config.contains(id));
  }

  @Override
  Behavior<Object> onConfiguration(io.cairn.raft.Configuration configuration) {
    core.applyConfiguration(configuration);
    syncPeers();
    maybeCommit(); // the quorum changed: what a majority holds may now be committed (thesis §4.1)
    for (Progress progress : peers.values()) {
      sendAppend(progress);
    }
    return this;
  }

  /**
   * etcd's isLearnerReady: only the leader knows; a learner it replicates to is ready once its match index
   * reaches 90% of the leader's own (etcd's readyPercent).
   */
  private boolean learnerReady(long learnerId) {
    Progress progress = peers.get(learnerId);
    if (progress == null) {
      return true; // not a member: the applier answers that
    }
    return progress.matchIndex >= LEARNER_READY_FRACTION * core.durableIndex;
  }

  static final double LEARNER_READY_FRACTION = 0.9;

  // --- proposals ------------------------------------------------------------------------------------------

  /**
   * etcd's stepLeader for a ConfChange: appended as CONF_CHANGE unless a change is still unapplied, then as
   * a NORMAL entry that the applier refuses (etcd replaces it by an empty entry; Cairn keeps its ID so the
   * waiting request is answered at once instead of timing out).
   */
  @Override
  Behavior<Object> onProposeConfChange(ByteString proposal) {
    onFlush(); // proposals queued before it go first, unless they wait for our append in flight (group commit)
    ConfChange.Refusal refusal = ConfChange.Refusal.NONE;
    LogEntry entry;
    try {
      entry = LogEntry.parseFrom(proposal);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return this; // not from a member of this cluster
    }
    if (core.pendingConfIndex > core.compaction.appliedIndex()) {
      RaftCore.RAFT_LOG.info("{} propose conf change ignored since pending unapplied configuration [index {}, applied {}]",
          core.idHex(), core.pendingConfIndex, core.compaction.appliedIndex());
      refusal = ConfChange.Refusal.PENDING;
    } else if (entry.getConfChange().getPromote() && !learnerReady(entry.getConfChange().getMember().getId())) {
      refusal = ConfChange.Refusal.LEARNER_NOT_READY;
    }
    if (refusal != ConfChange.Refusal.NONE) {
      LogEntry refused = entry.toBuilder().setConfChange(entry.getConfChange().toBuilder().setRefusal(refusal)).build();
      appendLocally(List.of(refused.toByteString()), EntryType.NORMAL);
    } else {
      appendLocally(List.of(proposal), EntryType.CONF_CHANGE);
      core.pendingConfIndex = core.log.lastIndex();
    }
    return this;
  }

  // --- leadership transfer (thesis §3.10) -----------------------------------------------------------------

  @Override
  Behavior<Object> onTransferLeadership(LogCommand.TransferLeadership transfer) {
    long target = transfer.targetId();
    Progress progress = peers.get(target);
    if (target == core.self() || progress == null || !progress.voter || target == transferee) {
      return this;
    }
    RaftCore.RAFT_LOG.info("{} [term {}] starts to transfer leadership to {}",
        core.idHex(), core.term, Long.toHexString(target));
    transferee = target;
    transferTicks = 0;
    if (progress.matchIndex == core.log.lastIndex()) {
      sendTimeoutNow(target);
    } else {
      sendAppend(progress); // catch it up first; TimeoutNow follows its ack of our last index
    }
    return this;
  }

  private void sendTimeoutNow(long target) {
    RaftCore.RAFT_LOG.info("{} sends TimeoutNow to {} immediately as it already has up-to-date log",
        core.idHex(), Long.toHexString(target));
    core.send(core.message(target, core.term).setTimeoutNow(io.cairn.api.raft.TimeoutNow.getDefaultInstance()));
  }

  /** The transfer did not complete within an election timeout: lead on, and append what waited. */
  private void abortTransfer() {
    RaftCore.RAFT_LOG.info("{} abort leadership transfer to {}", core.idHex(), Long.toHexString(transferee));
    transferee = 0;
    onFlush();
  }

  @Override
  Behavior<Object> onPropose(ByteString proposal) {
    boolean wasEmpty = core.proposals.isEmpty();
    if (!core.proposals.add(proposal)) {
      return this; // over the bound: dropped, the member's proposal timeout answers
    }
    if (transferee != 0) {
      // etcd drops proposals during a transfer; Cairn holds them (bounded): the next leader gets them
      // forwarded when this one steps down, or they are appended here if the transfer is abandoned.
      return this;
    }
    if (wasEmpty) {
      // Queues behind every proposal already in the mailbox: together they become one append.
      core.ctx.getSelf().tell(LogCommand.Flush.INSTANCE);
    }
    if (core.proposals.hasFullBatch()) {
      appendLocally(core.proposals.nextBatch());
    }
    return this;
  }

  /**
   * Group commit, as etcd's Ready loop and SOFAJRaft's batching: while an append of ours is still being
   * fsynced, proposals wait in the buffer and go out together when it is durable (onAppendPersisted) — one
   * journal write and one AppendEntries per follower for all of them. A full batch goes at once; an idle
   * leader appends a proposal as soon as it arrives.
   */
  @Override
  Behavior<Object> onFlush() {
    if (!appendInFlight()) {
      flushProposals();
    }
    return this;
  }

  private boolean appendInFlight() {
    return core.durableIndex < core.log.lastIndex();
  }

  private void flushProposals() {
    // During a leadership transfer proposals are held (etcd drops them; here they wait for the outcome).
    while (transferee == 0 && !core.proposals.isEmpty()) {
      appendLocally(core.proposals.nextBatch());
    }
  }

  private void appendLocally(List<ByteString> payloads) {
    appendLocally(payloads, EntryType.NORMAL);
  }

  /** Appends to the own log (its durable completion is the leader's own ack) and replicates in parallel. */
  private void appendLocally(List<ByteString> payloads, EntryType type) {
    long index = core.log.lastIndex();
    List<Entry> entries = new ArrayList<>(payloads.size());
    for (ByteString payload : payloads) {
      entries.add(Entry.newBuilder()
          .setTerm(core.term).setIndex(++index).setType(type).setData(payload).build());
    }
    core.append(entries, null);
    for (Progress progress : peers.values()) {
      sendAppend(progress);
    }
  }

  @Override
  Behavior<Object> onAppendPersisted(RaftNode.AppendPersisted persisted) {
    maybeCommit(); // the leader's own durable index moved
    return onFlush(); // what queued during the fsync becomes the next append
  }

  // --- replication ----------------------------------------------------------------------------------------

  /** Sends the next entries to a follower unless its flow control is paused (etcd's sendAppend). */
  private void sendAppend(Progress progress) {
    sendAppend(progress, false);
  }

  /**
   * As {@link #sendAppend(Progress)}; with commitNotice, an append that turns out empty for a follower already
   * replicating is marked commit-only: it needs no answer (raft.proto's AppendEntries.commit_only).
   */
  private void sendAppend(Progress progress, boolean commitNotice) {
    if (progress.paused()) {
      return;
    }
    if (progress.inactive()) {
      // Silent for an election timeout: treated as down, as etcd's transport drops messages to an inactive
      // peer (and as etcd's maybeSendAppend sends no snapshot to a follower not recently active). Artery
      // would queue appends of up to maxAppendBytes and snapshot chunks for it and hand them to its next
      // incarnation, racing the catch-up that incarnation really needs. Heartbeats still go out (onTick);
      // its answer makes it active, and the next tick sends what it is missing.
      return;
    }
    long prevIndex = progress.nextIndex - 1;
    if (prevIndex < core.log.snapshotMeta().getIndex()) {
      // §7: the entries it needs are compacted away; it needs the applied state.
      progress.becomeSnapshot();
      core.snapshotSender.sendSnapshot(new Link(progress.memberId, core.term));
      return;
    }
    long lastIndex = core.log.lastIndex();
    List<Entry> entries = progress.nextIndex <= lastIndex
        ? core.log.entries(progress.nextIndex, lastIndex + 1, core.settings.maxAppendBytes())
        : List.of();
    AppendEntries.Builder append = AppendEntries.newBuilder()
        .setPrevLogIndex(prevIndex)
        .setPrevLogTerm(core.log.term(prevIndex))
        .addAllEntries(entries)
        .setLeaderCommit(core.commitIndex)
        .setReadContext(reads.latestContext());
    if (progress.state == Progress.State.REPLICATE) {
      append.setCommitOnly(commitNotice && entries.isEmpty());
      if (!entries.isEmpty()) {
        // Pipelining: assume success and go on; a reject sends the follower back to probing.
        long last = entries.get(entries.size() - 1).getIndex();
        progress.inflights.add(last, entries.stream().mapToLong(e -> e.getData().size()).sum());
        progress.nextIndex = last + 1;
      }
    } else {
      progress.probeSent = true;
    }
    core.send(core.message(progress.memberId, core.term).setAppend(append));
  }

  /**
   * A heartbeat: an empty append at the follower's match, so it also carries the commit index safely
   * (the follower commits min(leaderCommit, prevIndex)), and the newest ReadIndex round's context.
   */
  private void sendHeartbeat(Progress progress) {
    long prevIndex = progress.matchIndex >= core.log.snapshotMeta().getIndex() ? progress.matchIndex : 0;
    long prevTerm = prevIndex == 0 ? 0 : core.log.term(prevIndex);
    core.send(core.message(progress.memberId, core.term).setAppend(AppendEntries.newBuilder()
        .setPrevLogIndex(prevIndex)
        .setPrevLogTerm(prevTerm)
        .setLeaderCommit(Math.min(core.commitIndex, prevIndex))
        .setReadContext(reads.latestContext())));
  }

  /** Any message from a follower; logs its return as etcd's rafthttp does ("peer X became active"). */
  private void heard(Progress progress) {
    if (progress.heard()) {
      PEER_LOG.info("peer {} became active", Long.toHexString(progress.memberId));
    }
  }

  private void onAppendResponse(long from, AppendEntriesResponse response) {
    Progress progress = peers.get(from);
    if (progress == null) {
      return;
    }
    heard(progress);
    if (response.getReadContext() != 0 && progress.voter) {
      // Any answer in our term confirms we were still leader when the round started.
      answer(reads.acknowledge(from, response.getReadContext(), core.quorum()));
    }
    if (response.getSuccess()) {
      boolean wasPaused = progress.paused();
      if (progress.acknowledge(response.getMatchIndex())) {
        if (progress.state == Progress.State.PROBE) {
          progress.becomeReplicate();
        }
        if (from == transferee && progress.matchIndex == core.log.lastIndex()) {
          sendTimeoutNow(from);
        }
        maybeCommit();
        if (wasPaused || progress.nextIndex <= core.log.lastIndex()) {
          // More to send now that the window moved, or a follower just out of probing, which maybeCommit's
          // broadcast skipped while it was paused and which must learn the commit index (etcd's stepLeader:
          // sendAppend when oldPaused). Otherwise no empty append: the broadcast carried any new commit index.
          sendAppend(progress);
        }
      }
      return;
    }
    long rejected = response.getMatchIndex();
    boolean stale = progress.state == Progress.State.REPLICATE
        ? rejected <= progress.matchIndex
        : rejected != progress.nextIndex - 1;
    if (stale || progress.state == Progress.State.SNAPSHOT) {
      return;
    }
    // §5.3: decrement nextIndex and retry, jumping by the follower's hint (etcd's maybeDecrTo).
    progress.becomeProbe();
    long hinted = response.getRejectHint() == 0 ? rejected : Math.min(rejected, response.getRejectHint());
    progress.nextIndex = Math.max(progress.matchIndex + 1, hinted);
    sendAppend(progress);
  }

  /** §5.4.2: commit N only if N is of the current term and a quorum of voters has it durably. */
  private void maybeCommit() {
    long quorumIndex = Quorum.committedIndex(core.config.voters(),
        id -> id == core.self() ? core.durableIndex : peers.get(id).matchIndex);
    if (quorumIndex > core.commitIndex && core.log.term(quorumIndex) == core.term) {
      core.advanceCommit(quorumIndex);
      for (Progress progress : peers.values()) {
        sendAppend(progress, true); // tell followers the new commit index (etcd's bcastAppend)
      }
      if (reads.hasWaiting()) {
        scheduleReadRound(); // reads deferred until the first commit of this term
      }
    }
  }

  private boolean committedInCurrentTerm() {
    return core.log.term(core.commitIndex) == core.term;
  }

  // --- ticks: heartbeats and check-quorum -----------------------------------------------------------------

  @Override
  Behavior<Object> onTick() {
    core.clock.tick();
    core.snapshotSender.onTick();
    if (transferee != 0 && ++transferTicks >= core.settings.electionTicks()) {
      abortTransfer();
    }
    if (core.clock.electionTimeoutPassed()) {
      core.clock.reset();
      if (!quorumActive()) {
        RaftCore.RAFT_LOG.warn("{} stepped down to follower since quorum is not active", core.idHex());
        reads.clear();
        return core.becomeFollower(core.term, 0);
      }
    }
    for (Progress progress : peers.values()) {
      if (progress.state == Progress.State.PROBE) {
        progress.probeSent = false; // one probe per heartbeat interval
      } else if (progress.state == Progress.State.REPLICATE
          && progress.matchIndex == progress.matchAtLastHeartbeat
          && progress.matchIndex < core.log.lastIndex()) {
        // No progress over a whole interval with entries outstanding: appends were lost, probe again.
        progress.becomeProbe();
      }
      progress.matchAtLastHeartbeat = progress.matchIndex;
      if (progress.tickSilence()) {
        // etcd's rafthttp line, so operators' alerts on it keep working; the reason is Cairn's own.
        PEER_LOG.warn("peer {} became inactive (no message from the peer for {} ms)",
            Long.toHexString(progress.memberId), core.settings.electionTimeoutMs());
      }
      sendHeartbeat(progress);
      if (progress.matchIndex < core.log.lastIndex()) {
        sendAppend(progress);
      }
    }
    return this;
  }

  /** etcd's check-quorum: a quorum of voters (this one included) was heard from since the last check. */
  private boolean quorumActive() {
    int active = core.config.voters().contains(core.self()) ? 1 : 0;
    for (Progress progress : peers.values()) {
      if (progress.voter && progress.recentActive) {
        active++;
      }
      progress.recentActive = false;
    }
    return active >= core.quorum();
  }

  // --- ReadIndex ------------------------------------------------------------------------------------------

  @Override
  Behavior<Object> onReadIndex(LogCommand.ReadIndex request) {
    if (reads.enqueue(new ReadIndexRounds.Local(request.replyTo()))) {
      scheduleReadRound();
    }
    return this;
  }

  private void scheduleReadRound() {
    if (!readRoundScheduled && committedInCurrentTerm()) {
      readRoundScheduled = true;
      core.ctx.getSelf().tell(RaftNode.StartReadRound.INSTANCE);
    }
  }

  @Override
  Behavior<Object> onStartReadRound() {
    readRoundScheduled = false;
    if (!reads.hasWaiting() || !committedInCurrentTerm()) {
      return this;
    }
    reads.startRound(core.commitIndex, core.self());
    List<ReadIndexRounds.Confirmed> confirmed = reads.confirmed(core.quorum());
    if (!confirmed.isEmpty()) {
      answer(confirmed); // a one-voter cluster is its own quorum
      return this;
    }
    for (Progress progress : peers.values()) {
      if (progress.voter) {
        sendHeartbeat(progress);
      }
    }
    return this;
  }

  private void answer(List<ReadIndexRounds.Confirmed> confirmed) {
    for (ReadIndexRounds.Confirmed round : confirmed) {
      for (ReadIndexRounds.Requester requester : round.requesters()) {
        if (requester instanceof ReadIndexRounds.Local local) {
          local.replyTo().tell(new LogCommand.ReadIndexReply(round.readIndex(), core.term));
        } else if (requester instanceof ReadIndexRounds.Remote remote) {
          core.send(core.message(remote.memberId(), core.term).setReadIndexResponse(ReadIndexResponse.newBuilder()
              .setContext(remote.context()).setIndex(round.readIndex()).setOk(true)));
        }
      }
    }
  }

  // --- messages -------------------------------------------------------------------------------------------

  @Override
  Behavior<Object> step(RaftMessage m) {
    switch (m.getBodyCase()) {
      case APPEND_RESPONSE -> onAppendResponse(m.getFrom(), m.getAppendResponse());
      case READ_INDEX -> {
        Progress progress = peers.get(m.getFrom());
        if (progress != null) {
          heard(progress);
        }
        if (reads.enqueue(new ReadIndexRounds.Remote(m.getFrom(), m.getReadIndex().getContext()))) {
          scheduleReadRound();
        }
      }
      case FORWARD -> {
        for (ByteString proposal : m.getForward().getEntriesList()) {
          onPropose(proposal);
        }
        for (ByteString change : m.getForward().getConfChangesList()) {
          onProposeConfChange(change);
        }
      }
      case SNAPSHOT_RESPONSE -> {
        Progress progress = peers.get(m.getFrom());
        if (progress != null) {
          heard(progress);
          core.snapshotSender.onResponse(m.getFrom(), m.getSnapshotResponse());
        }
      }
      case VOTE_RESPONSE, APPEND, SNAPSHOT -> {
        // Late votes; an append in our own term cannot come from another leader (Election Safety).
      }
      default -> {
      }
    }
    return this;
  }

  @Override
  Behavior<Object> onCampaign() {
    return this; // already leader
  }

  // --- snapshots (Raft §7) --------------------------------------------------------------------------------

  /** The follower installed a snapshot at matchIndex: resume replication after it. */
  private void snapshotDone(long followerId, long matchIndex) {
    Progress progress = peers.get(followerId);
    if (progress == null || progress.state != Progress.State.SNAPSHOT) {
      return;
    }
    RaftCore.RAFT_LOG.info("{} snapshot to {} done, follower at index {}",
        core.idHex(), Long.toHexString(followerId), matchIndex);
    progress.snapshotDone(matchIndex);
    maybeCommit();
    sendAppend(progress);
  }

  private void snapshotFailed(long followerId, String reason) {
    Progress progress = peers.get(followerId);
    if (progress == null || progress.state != Progress.State.SNAPSHOT) {
      return;
    }
    RaftCore.RAFT_LOG.warn("{} snapshot to {} failed: {}", core.idHex(), Long.toHexString(followerId), reason);
    progress.snapshotFailed(); // the next heartbeat's probe starts a new transfer if still needed
  }

  /** One transfer's view of this leadership; stale once the node is no longer leader in that term. */
  private final class Link implements SnapshotLink {
    private final long followerId;
    private final long term;
    private final akka.actor.typed.ActorRef<Object> self = core.ctx.getSelf();

    Link(long followerId, long term) {
      this.followerId = followerId;
      this.term = term;
    }

    private boolean stale() {
      return core.role != RaftRole.LEADER || core.term != term;
    }

    @Override
    public long followerId() {
      return followerId;
    }

    @Override
    public long term() {
      return term;
    }

    @Override
    public void runOnNode(Runnable task) {
      self.tell(new RaftNode.RunOnNode(task));
    }

    @Override
    public long termAt(long index) {
      if (stale() || index < core.log.snapshotMeta().getIndex() || index > core.log.lastIndex()) {
        return -1;
      }
      return core.log.term(index);
    }

    @Override
    public io.cairn.api.raft.ConfState confState() {
      return LogCompaction.confState(core.config);
    }

    @Override
    public void send(io.cairn.api.raft.InstallSnapshot chunk) {
      if (!stale()) {
        core.send(core.message(followerId, term).setSnapshot(chunk));
      }
    }

    @Override
    public void done(long matchIndex) {
      if (!stale()) {
        snapshotDone(followerId, matchIndex);
      }
    }

    @Override
    public void failed(String reason) {
      if (!stale()) {
        snapshotFailed(followerId, reason);
      }
    }
  }
}
