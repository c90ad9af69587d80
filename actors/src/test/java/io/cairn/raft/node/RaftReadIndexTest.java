package io.cairn.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import io.cairn.raft.LogCommand;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RaftReadIndexTest {

  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final int E = RaftTestCluster.ELECTION_TICKS;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void leaderAnswersWithItsCommitIndexAfterAQuorumConfirmsItsLeadership() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.elect(1, 2, 3);
    cluster.propose(1, 1);
    cluster.awaitApplied(List.of(1L), 1);
    TestProbe<LogCommand.ReadIndexReply> reader = KIT.createTestProbe();
    for (int i = 0; i < 20; i++) {
      cluster.readIndex(1, reader.getRef());
    }
    for (int i = 0; i < 20; i++) {
      assertEquals(new LogCommand.ReadIndexReply(2, 1), reader.receiveMessage(RaftTestCluster.AWAIT));
    }
    int rounds = cluster.network.delivered(m -> m.getFrom() == 1 && m.hasAppend() && m.getAppend().getReadContext() != 0)
        .stream().mapToLong(m -> m.getAppend().getReadContext()).boxed().collect(java.util.stream.Collectors.toSet()).size();
    assertTrue(rounds >= 1 && rounds <= 20, "reads share heartbeat rounds: " + rounds);
    cluster.stop();
  }

  @Test
  void readsQueuedWhileLeadershipIsUnconfirmedAreServedByOneLaterRound() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.elect(1, 2, 3);
    cluster.awaitCommit(1, 1);
    cluster.network.drop(m -> m.getTo() == 1 && m.hasAppendResponse()); // nobody confirms
    TestProbe<LogCommand.ReadIndexReply> reader = KIT.createTestProbe();
    for (int i = 0; i < 10; i++) {
      cluster.readIndex(1, reader.getRef());
    }
    cluster.inspect(1);
    cluster.awaitDelivered(m -> m.getFrom() == 1 && m.hasAppend() && m.getAppend().getReadContext() != 0);
    cluster.network.heal();
    cluster.tick(1, 1); // the heartbeat carries the newest round: its quorum confirms all earlier rounds
    for (int i = 0; i < 10; i++) {
      assertEquals(new LogCommand.ReadIndexReply(1, 1), reader.receiveMessage(RaftTestCluster.AWAIT));
    }
    cluster.stop();
  }

  @Test
  void aFollowerForwardsReadIndexToTheLeaderAndAnswersWithTheLeadersIndex() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    cluster.elect(1, 2, 3);
    cluster.propose(2, 1);
    cluster.awaitApplied(List.of(1L), 1);
    TestProbe<LogCommand.ReadIndexReply> reader = KIT.createTestProbe();
    cluster.readIndex(3, reader.getRef());
    assertEquals(new LogCommand.ReadIndexReply(2, 1), reader.receiveMessage(RaftTestCluster.AWAIT));
    cluster.stop();
  }

  @Test
  void noAnswerWithoutAQuorumOrWithoutALeader() {
    RaftTestCluster cluster = RaftTestCluster.staggered(KIT, 3);
    TestProbe<LogCommand.ReadIndexReply> reader = KIT.createTestProbe();
    cluster.readIndex(2, reader.getRef()); // no leader known: no answer
    cluster.inspect(2);
    cluster.elect(1, 2, 3);
    cluster.awaitCommit(1, 1);
    cluster.network.isolate(1);
    cluster.readIndex(1, reader.getRef()); // cannot confirm leadership
    cluster.tick(1, 2 * E); // steps down by check-quorum: the pending read is dropped, never answered
    assertEquals(RaftRole.FOLLOWER, cluster.inspect(1).role());
    cluster.network.rejoin(1);
    cluster.tick(1, 1);
    cluster.inspect(1);
    cluster.inspect(2);
    // A barrier instead of a wait: any answer was told to the reader before the nodes answered the Inspects
    // above, so it would be queued ahead of this marker.
    LogCommand.ReadIndexReply marker = new LogCommand.ReadIndexReply(-1, -1);
    reader.getRef().tell(marker);
    assertEquals(marker, reader.receiveMessage(RaftTestCluster.AWAIT), "a read was answered");
    cluster.stop();
  }
}
