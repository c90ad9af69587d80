package io.cairn.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RaftElectionTest {

  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final int E = RaftTestCluster.ELECTION_TICKS;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void threeNodesElectExactlyOneLeaderWhenTheFirstTimeoutFires() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    // Node 1 times out after E+2 ticks, nodes 2 and 3 only after E+4 and E+6: lockstep ticks up to E+2
    // make node 1 (and only node 1) campaign (Raft §5.2, randomized timeouts).
    for (int t = 0; t < E + 2; t++) {
      for (long id = 1; id <= 3; id++) {
        cluster.tick(id, 1);
      }
    }
    cluster.awaitLeader(1, 2, 3);
    assertEquals(RaftRole.LEADER, cluster.inspect(1).role());
    assertEquals(RaftRole.FOLLOWER, cluster.inspect(2).role());
    assertEquals(RaftRole.FOLLOWER, cluster.inspect(3).role());
    assertEquals(1, cluster.inspect(1).term(), "pre-vote does not spend a term; the real vote takes term 1");
    cluster.leadersByTerm.values().forEach(leaders -> assertEquals(1, leaders.size()));
    cluster.stop();
  }

  @Test
  void aSingleVoterElectsItselfAtOnce() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 1);
    cluster.awaitLeader(1);
    cluster.propose(1, 7);
    cluster.awaitApplied(java.util.List.of(7L), 1);
    cluster.stop();
  }

  @Test
  void isolatedLeaderStepsDownByCheckQuorumAndTheMajorityElectsANewOne() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.elect(1, 2, 3);
    // Node 3 must stop trusting the old leader's lease (a full election timeout without it) before it
    // grants node 2 a vote.
    cluster.electAfterIsolating(1, 2, 3);
    assertEquals(2, cluster.inspect(2).term());

    // The old leader hears from nobody: after an election timeout with no quorum active it steps down.
    cluster.tick(1, 2 * E);
    RaftNode.NodeState old = cluster.inspect(1);
    assertEquals(RaftRole.FOLLOWER, old.role());
    assertEquals(0, old.leaderId());
    assertEquals(1, old.term(), "stepping down does not change the term");
    cluster.leadersByTerm.values().forEach(leaders -> assertEquals(1, leaders.size()));
    cluster.stop();
  }

  @Test
  void preVoteKeepsARejoiningPartitionedNodeFromDisruptingTheLeader() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.elect(1, 2, 3);
    cluster.network.isolate(3);
    cluster.tick(3, 5 * E); // several pre-vote rounds nobody hears
    RaftNode.NodeState isolated = cluster.inspect(3);
    assertEquals(1, isolated.term(), "pre-vote (thesis §9.6) does not bump the term");
    assertEquals(RaftRole.PRE_CANDIDATE, isolated.role());

    cluster.network.rejoin(3);
    int preVotesBefore = preVotesFrom(cluster, 3);
    cluster.tick(3, 2 * E); // at least one more pre-vote round, now delivered
    cluster.await(() -> assertTrue(preVotesFrom(cluster, 3) >= preVotesBefore + 2));
    // Node 2 heard from the leader within the election timeout and node 1 is the leader: both ignore it.
    assertEquals(1, cluster.inspect(1).term());
    assertEquals(RaftRole.LEADER, cluster.inspect(1).role());
    assertEquals(1, cluster.inspect(2).term());

    cluster.tick(1, 1); // a heartbeat brings node 3 back as follower at the same term
    cluster.awaitLeader(1, 2, 3);
    assertEquals(1, cluster.inspect(3).term());
    cluster.stop();
  }

  private static int preVotesFrom(RaftTestCluster cluster, long id) {
    return cluster.network.delivered(m -> m.getFrom() == id && m.hasVote() && m.getVote().getPreVote()).size();
  }

  /**
   * Election Safety (Raft §5.2) over seeded lossy runs: random ticks, proposals, isolations and heals, with
   * messages held in the network and delivered a few at a time in a seeded order (so they cross ticks,
   * as on a real network). Every delivery waits for its receiver to go quiet, so a run is a deterministic
   * function of its seed: whether leaders get elected no longer depends on actor scheduling.
   */
  @Test
  void neverTwoLeadersInOneTermAcrossRandomizedRuns() {
    for (long seed = 1; seed <= 8; seed++) {
      Run run = run(seed);
      run.leadersByTerm().forEach((term, leaders) ->
          assertEquals(1, leaders.size(), run + ": term " + term + " has leaders " + leaders));
      assertFalse(run.leadersByTerm().isEmpty(), run + " elected no leader: the check would mean nothing");
    }
  }

  @Test
  void aRandomizedRunIsAFunctionOfItsSeed() {
    assertEquals(run(3), run(3));
  }

  private record Run(long seed, Map<Long, Set<Long>> leadersByTerm, List<RaftNode.NodeState> finalStates) {}

  private static Run run(long seed) {
    RaftTestCluster cluster = new RaftTestCluster(KIT, 5, id -> new Random(seed * 1000 + id));
    cluster.network.holdMessages();
    cluster.network.loseRandomly(0.2, seed);
    Random schedule = new Random(seed);
    for (int step = 0; step < 400; step++) {
      long id = 1 + schedule.nextInt(5);
      cluster.tick(id, 1);
      cluster.quiesce(id);
      if (schedule.nextInt(10) == 0) {
        long target = 1 + schedule.nextInt(5);
        cluster.propose(target, step + 1);
        cluster.quiesce(target);
      }
      if (schedule.nextInt(50) == 0) {
        cluster.network.isolate(1 + schedule.nextInt(5));
      }
      if (schedule.nextInt(50) == 0) {
        cluster.network.heal();
        cluster.network.loseRandomly(0.2, seed + step);
      }
      int deliveries = schedule.nextInt(12);
      for (int d = 0; d < deliveries && cluster.deliverOne(schedule); d++) {
        // deliverOne waits for the receiver to go quiet
      }
    }
    List<RaftNode.NodeState> states = new ArrayList<>();
    for (long id = 1; id <= 5; id++) {
      states.add(cluster.inspect(id));
    }
    Map<Long, Set<Long>> leaders = new TreeMap<>();
    cluster.leadersByTerm.forEach((term, ids) -> leaders.put(term, new TreeSet<>(ids)));
    cluster.stop();
    return new Run(seed, leaders, states);
  }
}
