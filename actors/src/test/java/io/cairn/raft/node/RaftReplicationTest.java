package io.cairn.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.cairn.api.raft.Entry;
import io.cairn.api.raft.RaftMessage;
import io.cairn.raft.CommittedEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RaftReplicationTest {

  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final int E = RaftTestCluster.ELECTION_TICKS;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void proposalsAreCommittedAndAppliedInOrderOnEveryMember() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.elect(1, 2, 3);
    List<Long> ids = LongStream.rangeClosed(1, 200).boxed().toList();
    ids.forEach(id -> cluster.propose(1, id));
    cluster.awaitApplied(ids, 1, 2, 3);
    for (long member = 1; member <= 3; member++) {
      List<CommittedEntry> applied = cluster.applied.get(member);
      for (int i = 0; i < applied.size(); i++) {
        assertEquals(i + 1, applied.get(i).index(), "consecutive indexes from 1 on member " + member);
      }
      assertEquals(0, applied.get(0).entry().getId(), "index 1 is the leader's no-op (§5.4.2)");
    }
    assertEquals(cluster.store(1).allEntries(), cluster.store(2).allEntries());
    assertEquals(cluster.store(1).allEntries(), cluster.store(3).allEntries());
    cluster.stop();
  }

  @Test
  void followersForwardProposalsAndBufferThemUntilALeaderIsKnown() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.propose(2, 1); // no leader yet: buffered
    cluster.inspect(2);
    cluster.elect(1, 2, 3);
    cluster.propose(3, 2); // forwarded to the known leader
    cluster.awaitApplied(List.of(1L, 2L), 1, 2, 3);
    assertTrue(!cluster.network.delivered(m -> m.hasForward() && m.getTo() == 1).isEmpty());
    cluster.stop();
  }

  @Test
  void theOldLeadersUncommittedSuffixIsTruncatedWhenItRejoins() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.elect(1, 2, 3);
    cluster.propose(1, 1);
    cluster.awaitApplied(List.of(1L), 1, 2, 3);

    cluster.network.isolate(1);
    cluster.propose(1, 100);
    cluster.propose(1, 101); // appended by the isolated leader only: never committed
    cluster.electAfterIsolating(1, 2, 3);
    cluster.propose(2, 2);
    cluster.awaitApplied(List.of(1L, 2L), 2, 3);
    cluster.tick(1, 2 * E); // check-quorum: steps down
    assertEquals(RaftRole.FOLLOWER, cluster.inspect(1).role());

    cluster.network.rejoin(1);
    cluster.tick(2, 1); // heartbeat: node 1 learns term 2, then the leader probes and overwrites
    cluster.awaitApplied(List.of(1L, 2L), 1, 2, 3);
    cluster.await(() -> {
      // Log Matching (§5.3): identical logs once node 1 caught up.
      assertEquals(cluster.store(2).allEntries(), cluster.store(1).allEntries());
    });
    assertEquals(cluster.store(2).allEntries(), cluster.store(3).allEntries());
    assertTrue(cluster.store(1).allEntries().stream().noneMatch(e -> e.getTerm() == 1 && e.getIndex() > 2),
        "the uncommitted term-1 suffix is gone");
    cluster.stop();
  }

  /**
   * A follower acknowledges, claims and applies only what its own log holds durably. Claiming more when
   * answering below its commit index was a defect (the fault smoke's follower that never caught up after
   * kill -9): the leader never probes below the match index it keeps, so the restarted follower, with a
   * shorter log, rejected its every probe. Applying more let the store's applied index pass the journal.
   */
  @Test
  void aFollowerAcknowledgesClaimsAndAppliesOnlyWhatItsAppendMadeDurable() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.elect(1, 2, 3);
    cluster.awaitCommit(2, 1);
    cluster.store(2).holdAppends();
    cluster.propose(1, 1);
    // Node 3 acknowledges, so the entry commits; node 2 has it in its log, not yet durable.
    cluster.awaitApplied(List.of(1L), 1, 3);
    cluster.awaitDelivered(m -> m.getTo() == 2 && m.hasAppend() && m.getAppend().getEntriesCount() > 0);
    RaftNode.NodeState follower = cluster.inspect(2);
    assertEquals(2, follower.lastIndex());
    assertEquals(1, follower.durableIndex());
    Predicate<RaftMessage> ackOfEntry2 = m -> m.getFrom() == 2 && m.hasAppendResponse()
        && m.getAppendResponse().getSuccess() && m.getAppendResponse().getMatchIndex() >= 2;
    assertTrue(cluster.network.delivered(ackOfEntry2).isEmpty(), "no ack before the fsync");
    cluster.awaitCommit(2, 2); // the leader's next append told node 2 that index 2 is committed
    cluster.awaitApplierIdle(2);
    assertEquals(List.of(), cluster.appliedIds(2), "applied before its own append was durable");
    Predicate<RaftMessage> answers = m -> m.getFrom() == 2 && m.hasAppendResponse()
        && m.getAppendResponse().getSuccess();
    int answered = cluster.network.delivered(answers).size();
    cluster.tick(1, 1); // a heartbeat at node 2's match index 1, below its commit index 2
    cluster.await(() -> assertTrue(cluster.network.delivered(answers).size() > answered, "heartbeat not answered"));
    assertTrue(cluster.network.delivered(ackOfEntry2).isEmpty(), "claimed entry 2 before it was durable");

    cluster.store(2).releaseAll();
    cluster.awaitDelivered(ackOfEntry2);
    cluster.awaitApplied(List.of(1L), 2);
    cluster.stop();
  }

  /**
   * After a commit the leader tells caught-up followers the new commit index in an append marked commit-only
   * (etcd's bcastAppend); they commit and apply from it without answering, since the answer would repeat a
   * match index the leader has. Every other append is still answered exactly once.
   */
  @Test
  void followersApplyFromACommitNoticeWithoutAnsweringIt() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.elect(1, 2, 3);
    cluster.propose(1, 1);
    // No tick after the proposal: no heartbeat, so the followers learn the commit from the notice alone.
    cluster.awaitApplied(List.of(1L), 1, 2, 3);
    for (long follower = 2; follower <= 3; follower++) {
      long to = follower;
      Predicate<RaftMessage> notices = m -> m.getTo() == to && m.hasAppend() && m.getAppend().getCommitOnly();
      Predicate<RaftMessage> answerable = m -> m.getTo() == to && m.hasAppend() && !m.getAppend().getCommitOnly();
      Predicate<RaftMessage> answers = m -> m.getFrom() == to && m.hasAppendResponse();
      assertFalse(cluster.network.delivered(notices).isEmpty(), "no commit notice to " + to);
      cluster.await(() -> assertEquals(cluster.network.delivered(answerable).size(),
          cluster.network.delivered(answers).size(), "answers from " + to));
    }
    cluster.stop();
  }

  /**
   * Regression (the lost write of the fault-injection smoke): a proposal made to a member without a leader
   * waited, unbounded in time, until the member heard of one — in the smoke, long after its client had timed
   * out and written newer values through other members, which the late proposal then overwrote. A proposal
   * that waited more than two election timeouts for a leader is dropped (etcd drops it at once).
   */
  @Test
  void aProposalThatWaitedTooLongForALeaderIsDropped() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.network.isolate(2);
    cluster.propose(2, 1); // no leader known: buffered
    cluster.tick(2, 2 * E + 1); // node 2 campaigns alone, in vain
    assertEquals(0, cluster.inspect(2).leaderId());
    cluster.network.rejoin(2);
    cluster.elect(1, 2, 3);
    cluster.propose(3, 2);
    cluster.awaitApplied(List.of(2L), 1, 2, 3);
    cluster.quiesce(2);
    cluster.quiesce(1);
    cluster.awaitApplierIdle(1);
    assertEquals(List.of(2L), cluster.appliedIds(1));
    assertTrue(cluster.network.delivered(m -> m.getFrom() == 2 && m.hasForward()).isEmpty(),
        "the stale proposal was forwarded");
    cluster.stop();
  }

  /** Within two election timeouts a proposal still waits for the leader being elected. */
  @Test
  void aProposalWaitsOutAnElection() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.network.isolate(2);
    cluster.propose(2, 1);
    cluster.tick(2, 2 * E);
    cluster.inspect(2);
    cluster.network.rejoin(2);
    cluster.elect(1, 2, 3);
    cluster.awaitApplied(List.of(1L), 1, 2, 3);
    cluster.stop();
  }

  /**
   * Raft Figure 8: a leader must not commit an entry of an earlier term by counting replicas. Node 1 holds
   * (2, term 1) and, as leader of term 3, replicates it to node 3 — a majority — but its own no-op of term
   * 3 is not durable yet, so nothing of term 3 is on a majority and index 2 stays uncommitted (§5.4.2).
   */
  @Test
  void anEntryOfAnEarlierTermIsNotCommittedByCountingReplicas() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.elect(1, 2, 3);
    cluster.awaitCommit(3, 1);

    cluster.network.isolate(1);
    cluster.propose(1, 42); // (2, term 1) on node 1 only
    cluster.await(() -> assertEquals(2, cluster.inspect(1).durableIndex(), cluster.inspect(1).toString()));

    // Node 2 wins term 2 with node 3's vote, but its no-op reaches nobody.
    cluster.network.drop(m -> m.getFrom() == 2 && m.hasAppend());
    cluster.tick(3, E);
    cluster.inspect(3);
    cluster.campaign(2);
    cluster.await(() -> assertEquals(RaftRole.LEADER, cluster.inspect(2).role()));
    assertEquals(2, cluster.inspect(2).term());

    // Node 2 goes away; node 1 comes back, learns term 2 from a rejected pre-vote, then wins term 3.
    cluster.network.isolate(2);
    cluster.tick(1, 2 * E); // node 1, still leader of term 1, steps down by check-quorum
    assertEquals(RaftRole.FOLLOWER, cluster.inspect(1).role());
    cluster.network.rejoin(1);
    cluster.store(1).holdAppends();
    cluster.campaign(1);
    cluster.await(() -> assertEquals(2, cluster.inspect(1).term()));
    cluster.campaign(1);
    cluster.await(() -> assertEquals(RaftRole.LEADER, cluster.inspect(1).role()));
    assertEquals(3, cluster.inspect(1).term());

    // Node 3 durably holds (2, term 1) and (3, term 3) and says so.
    cluster.awaitDelivered(m -> m.getFrom() == 3 && m.getTo() == 1 && m.hasAppendResponse()
        && m.getAppendResponse().getSuccess() && m.getAppendResponse().getMatchIndex() == 3);
    RaftNode.NodeState leader = cluster.inspect(1);
    assertEquals(2, leader.durableIndex(), "the leader's own no-op is not durable");
    assertEquals(1, leader.commitIndex(), "index 2 is on a majority but of term 1: not committed");
    assertEquals(List.of(), cluster.appliedIds(1));

    cluster.store(1).releaseAll(); // now (3, term 3) is on a majority: it commits, and 2 with it
    cluster.awaitCommit(1, 3);
    cluster.awaitApplied(List.of(42L), 1);
    List<Long> appliedIndexes = new ArrayList<>();
    cluster.appliedEntries(1).forEach(e -> appliedIndexes.add(e.index()));
    assertEquals(List.of(1L, 2L, 3L), appliedIndexes);
    List<Entry> log = cluster.store(1).allEntries();
    assertEquals(List.of(1L, 1L, 3L), log.stream().map(Entry::getTerm).toList());
    cluster.stop();
  }

  /**
   * Group commit: proposals that arrive while the leader's own append is being fsynced wait and become one
   * append (one journal write, one AppendEntries per follower) once it is durable.
   */
  @Test
  void proposalsDuringTheLeadersFsyncBecomeOneAppend() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.elect(1, 2, 3);
    cluster.awaitCommit(1, 1);
    long before = cluster.inspect(1).lastIndex();
    cluster.store(1).holdAppends();
    cluster.propose(1, 1);
    cluster.await(() -> assertEquals(1, cluster.store(1).heldAppendCount()));
    for (long id = 2; id <= 6; id++) {
      cluster.propose(1, id);
    }
    // Inspect queues behind the five proposals: they were handled, and none was appended during the fsync.
    assertEquals(before + 1, cluster.inspect(1).lastIndex());
    assertEquals(1, cluster.store(1).heldAppendCount());

    cluster.store(1).releaseAppends(1);
    cluster.await(() -> assertEquals(before + 6, cluster.inspect(1).lastIndex()));
    assertEquals(1, cluster.store(1).heldAppendCount(), "the five waiting proposals went as one append");
    cluster.store(1).releaseAll();
    cluster.awaitApplied(List.of(1L, 2L, 3L, 4L, 5L, 6L), 1, 2, 3);
    cluster.stop();
  }

}
