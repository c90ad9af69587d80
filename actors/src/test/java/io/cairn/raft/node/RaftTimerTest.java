package io.cairn.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The nodes' own tick timers (one Tick per heartbeat interval, etcd's raft.Tick driven by a ticker) on
 * Akka's {@link ManualTime}: virtual time alone elects, keeps and replaces a leader, with no explicit Tick.
 */
@Timeout(60)
class RaftTimerTest {

  private static final ActorTestKit KIT = ActorTestKit.create(ManualTime.config());
  private static final ManualTime TIME = ManualTime.get(KIT.system());
  private static final Duration HEARTBEAT = Duration.ofMillis(100); // RaftTestCluster's heartbeat interval
  private static final int E = RaftTestCluster.ELECTION_TICKS;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void virtualTimeElectsKeepsAndReplacesALeader() {
    // Node i times out after E + 2i heartbeat intervals of silence (see RaftTestCluster.staggered).
    RaftTestCluster cluster = new RaftTestCluster(KIT, 3, id -> new RaftTestCluster.FixedRandom((int) (2 * id)), true);

    heartbeats(cluster, E + 1); // node 1's timeout (E+2 intervals) has not elapsed yet
    for (long id = 1; id <= 3; id++) {
      RaftNode.NodeState state = cluster.inspect(id);
      assertEquals(RaftRole.FOLLOWER, state.role(), "node " + id + " before any timeout");
      assertEquals(0, state.term());
    }
    assertTrue(cluster.leadersByTerm.isEmpty());

    heartbeats(cluster, 1); // the (E+2)th interval: node 1 campaigns
    cluster.awaitLeader(1, 2, 3);
    assertEquals(1, cluster.inspect(1).term());

    // The leader's timer-driven heartbeats keep both followers from campaigning for many election timeouts.
    heartbeats(cluster, 3 * E);
    assertEquals(Map.of(1L, Set.of(1L)), cluster.leadersByTerm);
    cluster.awaitLeader(1, 2, 3);

    // Cut the leader off: node 2 (timeout E+4) campaigns first and wins term 2; the old leader steps down by
    // check-quorum. Bounded: a few election timeouts of virtual time.
    cluster.network.isolate(1);
    for (int interval = 0; interval < 4 * E && !isLeader(cluster, 2); interval++) {
      heartbeats(cluster, 1);
    }
    cluster.awaitLeader(2, 3);
    assertEquals(2, cluster.inspect(2).term());
    // Check-quorum runs once per election timeout: 2E intervals after the isolation it has stepped down.
    heartbeats(cluster, E);
    // (isolated, it then times out and pre-votes in vain: pre-vote keeps its term at 1)
    RaftNode.NodeState old = cluster.inspect(1);
    assertTrue(old.role() != RaftRole.LEADER && old.term() == 1, "the old leader stepped down: " + old);
    cluster.leadersByTerm.forEach((term, leaders) -> assertEquals(1, leaders.size(), "term " + term));
    cluster.stop();
  }

  private static boolean isLeader(RaftTestCluster cluster, long id) {
    RaftNodeStatus status = cluster.statuses.get(id);
    return status != null && status.isLeader();
  }

  /**
   * Lets n heartbeat intervals pass, each followed by every node having handled its Tick. One interval at a
   * time so that ticks interleave across nodes as in real time (Akka's timePasses also sleeps 100 ms of real
   * time per call to let dispatchers settle, which bounds how many intervals a test can afford).
   */
  private static void heartbeats(RaftTestCluster cluster, int n) {
    for (int i = 0; i < n; i++) {
      TIME.timePasses(HEARTBEAT);
      for (long id : cluster.nodes.keySet()) {
        cluster.inspect(id);
      }
    }
  }
}
