package io.cairn.raft.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;

/** Waits on what the network saw. */
final class RaftReplicationTestSupport {

  private RaftReplicationTestSupport() {}

  /** Waits until the leader sent at least one heartbeat carrying a ReadIndex context. */
  static void awaitRoundsStarted(RaftTestCluster cluster, long leader) {
    TestProbe<Object> probe = cluster.kit.createTestProbe();
    probe.awaitAssert(RaftTestCluster.AWAIT, () -> {
      assertTrue(!cluster.network.delivered(m -> m.getFrom() == leader && m.hasAppend()
          && m.getAppend().getReadContext() != 0).isEmpty());
      return null;
    });
  }
}
