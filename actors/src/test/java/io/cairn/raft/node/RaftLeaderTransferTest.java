package io.cairn.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.cairn.raft.LogCommand;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Leadership transfer (Raft thesis §3.10, etcd's MsgTransferLeader / MsgTimeoutNow). */
@Timeout(60)
class RaftLeaderTransferTest {

  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void theTransfereeIsCaughtUpThenCampaignsAtOnceAndLeads() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.elect(1, 2, 3);
    cluster.network.isolate(3);
    List<Long> ids = List.of(1L, 2L, 3L);
    ids.forEach(id -> cluster.propose(1, id));
    cluster.awaitApplied(ids, 1, 2);
    cluster.network.rejoin(3);
    long termBefore = cluster.inspect(1).term();
    cluster.nodes.get(1L).tell(new LogCommand.TransferLeadership(3));
    cluster.tick(1, 1); // the leader probes 3 again; TimeoutNow follows its ack of the last index
    cluster.awaitLeader(3, 1, 2);
    assertEquals(termBefore + 1, cluster.inspect(3).term(), "one election, no pre-vote round, no lease wait");
    assertTrue(!cluster.network.delivered(m -> m.hasTimeoutNow() && m.getTo() == 3).isEmpty());
    cluster.propose(2, 4);
    cluster.awaitApplied(List.of(1L, 2L, 3L, 4L), 1, 2, 3);
    cluster.stop();
  }

  @Test
  void aTransferThatCannotCompleteIsAbandonedAfterAnElectionTimeoutAndHeldProposalsGoOn() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.elect(1, 2, 3);
    cluster.network.isolate(3);
    cluster.nodes.get(1L).tell(new LogCommand.TransferLeadership(3));
    cluster.propose(1, 7); // held while the transfer runs
    cluster.quiesce(1);
    assertTrue(cluster.appliedIds(1).isEmpty(), "appended during a transfer");
    cluster.tick(1, RaftTestCluster.ELECTION_TICKS);
    cluster.awaitApplied(List.of(7L), 1, 2);
    assertEquals(RaftRole.LEADER, cluster.inspect(1).role());
    cluster.stop();
  }
}
