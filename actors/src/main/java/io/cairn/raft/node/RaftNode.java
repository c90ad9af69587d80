package io.cairn.raft.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.cairn.api.raft.RaftMessage;
import io.cairn.raft.Committed;
import io.cairn.raft.LogCommand;
import io.cairn.raft.log.RaftLogStore;
import io.cairn.raft.transport.RaftTransport;
import java.time.Duration;
import java.util.Random;

/**
 * One member's Raft node (Raft paper; roles, pre-vote, check-quorum and flow control as etcd's raft). The
 * member talks to it through {@link LogCommand}: Propose an entry, ask a ReadIndex; committed entries reach
 * the applier as {@link Committed} batches in index order.
 *
 * <p>The node is deterministic: time arrives as {@link Tick}s (one per heartbeat interval), everything else
 * as messages (peers' RaftMessages, the completions of the log store's durable writes). The roles are
 * behaviors: {@link FollowerRole} (also the learner), {@link CandidateRole} (pre-candidate and candidate),
 * {@link LeaderRole}; their shared state is {@link RaftCore}.
 *
 * <p>Internally the actor accepts {@code Object}: LogCommand is sealed and RaftMessage is generated, so the
 * node's own messages cannot share a supertype with them; {@link #create} narrows to LogCommand for the
 * member.
 */
public final class RaftNode {

  private RaftNode() {}

  /** One heartbeat interval has passed (etcd's tick). */
  public enum Tick {
    INSTANCE
  }

  /** Start an election now (etcd's MsgHup / Node.Campaign); a leader or learner ignores it. */
  public enum Campaign {
    INSTANCE
  }

  /** Query the node's state (tests, diagnostics). Answered after every message queued before it. */
  public record Inspect(ActorRef<NodeState> replyTo) {}

  public record NodeState(
      long memberId, RaftRole role, long term, long vote, long leaderId, long commitIndex, long lastIndex,
      long durableIndex) {}

  // --- internal messages --------------------------------------------------------------------------------

  /** A follower's acknowledgement to send once the append is durable (Raft §5.3: ack only what is stable). */
  record FollowerAck(long term, long leaderId, long readContext) {}

  /** The log is durable up to lastIndex (whose term was lastTerm when the write was issued). */
  record AppendPersisted(long lastIndex, long lastTerm, FollowerAck ack) {}

  /** The vote for candidateId in term is durable: now it may be granted (Raft §5.2, Figure 2). */
  record VotePersisted(long term, long candidateId) {}

  /** The candidate's term and self-vote are durable: now it may ask for votes. */
  record CampaignPersisted(long term) {}

  /** The ReadIndex requests queued so far form one round (queues behind them, as the proposal Flush). */
  enum StartReadRound {
    INSTANCE
  }

  /** A durable write failed: the member must stop (etcd panics), its state on disk is unknown. */
  record PersistFailed(Throwable cause) {}

  /** Work a {@link SnapshotSender} brings back onto the node's actor ({@link SnapshotLink#runOnNode}). */
  record RunOnNode(Runnable task) {}

  /** The member installed the received snapshot (or failed to: error set); now reset the log to it. */
  record SnapshotInstalled(io.cairn.api.raft.SnapshotMeta meta, java.nio.file.Path file, long leaderId,
      long term, Throwable error) {}

  /** The log reset to the installed snapshot is durable: answer the leader done (Raft §7). */
  record SnapshotPersisted(io.cairn.api.raft.SnapshotMeta meta, long leaderId, long term) {}

  /**
   * The node for the member, with snapshots (Raft §7): the leader sends its store to followers behind its
   * compacted log, a follower installs what it receives. The member must send {@link LogCommand.Applied}
   * after each applied batch, which drives log compaction (settings.snapshotCount()).
   */
  public static Behavior<LogCommand> create(
      RaftSettings settings,
      RaftLogStore log,
      RaftTransport transport,
      ActorRef<Committed> applier,
      RaftStatusSink statusSink,
      RaftSnapshots snapshots) {
    return create(settings, log, transport, applier, statusSink, snapshots, new Random(settings.randomSeed()), true)
        .narrow();
  }

  /**
   * The full node. With tickTimer false nothing ticks it but {@link Tick} messages sent to it, which makes
   * it fully deterministic for tests.
   */
  public static Behavior<Object> create(
      RaftSettings settings,
      RaftLogStore log,
      RaftTransport transport,
      ActorRef<Committed> applier,
      RaftStatusSink statusSink,
      RaftSnapshots snapshots,
      Random random,
      boolean tickTimer) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ActorRef<RaftMessage> inbound = ctx.getSelf().narrow();
                  transport.deliverTo(inbound);
                  if (tickTimer) {
                    timers.startTimerWithFixedDelay(
                        Tick.INSTANCE, Duration.ofMillis(settings.heartbeatIntervalMs()));
                  }
                  RaftCore core =
                      new RaftCore(ctx, settings, log, transport, applier, statusSink, snapshots, random);
                  return core.start();
                }));
  }
}
