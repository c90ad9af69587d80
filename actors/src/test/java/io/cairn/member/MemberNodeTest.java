package io.cairn.member;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.launcher.CairnConfig;
import io.cairn.launcher.config.ConfigLoader;
import io.cairn.member.cluster.ClusterPlan;
import io.cairn.raft.log.RaftLogSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-process member on a temp data dir.
 */
@Timeout(60)
class MemberNodeTest {
  @TempDir Path dataDir;
  private ActorTestKit kit;

  @BeforeEach
  void start() {
    kit = newKit();
  }

  /**
   * One ActorSystem per member incarnation, as one process: application.conf defines the applier's dispatcher,
   * the Raft log's journal goes under the data dir.
   */
  private ActorTestKit newKit() {
    return ActorTestKit.create(
        RaftLogSettings.forDataDir(dataDir).withFallback(com.typesafe.config.ConfigFactory.load()));
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  /** etcd's defaults, as `cairn --data-dir <dataDir>` gets them. */
  static CairnConfig config(Path dataDir) throws Exception {
    return ConfigLoader.load(new String[] {"--data-dir", dataDir.toString()}, Map.of());
  }

  private MemberNode startMember() throws Exception {
    CairnConfig config = config(dataDir);
    MemberNode m = MemberNode.start(config, ClusterPlan.of(config), kit.system());
    m.ready().toCompletableFuture().get(20, TimeUnit.SECONDS);
    return m;
  }

  @Test
  void putThenRangeAndRestartKeepsDataAppliedIndexAndIds() throws Exception {
    long appliedBefore;
    MemberNode member = startMember();
    try {
      assertEquals("8e9e05c52164694d", MemberIds.hex(member.cluster().memberId()));
      assertEquals("cdf818194e3a8c32", MemberIds.hex(member.cluster().clusterId()));
      assertEquals(2, member.raftStatus().term());
      PutResponse put = (PutResponse) member.propose(InternalRaftRequest.newBuilder()
              .setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("foo")).setValue(ByteString.copyFromUtf8("bar")))
              .build())
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(2, put.getHeader().getRevision());
      assertEquals(2, put.getHeader().getRaftTerm());
      assertEquals(member.cluster().memberId(), put.getHeader().getMemberId());
      member.linearizableRead().toCompletableFuture().get(10, TimeUnit.SECONDS);
      RangeResponse range = member.store().range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("foo")).build()).build();
      assertEquals("bar", range.getKvs(0).getValue().toStringUtf8());
      appliedBefore = member.raftStatus().appliedIndex();
      assertTrue(appliedBefore >= 3); // leader's empty entry, publish, cluster version, the put
    } finally {
      member.close();
      kit.shutdownTestKit(); // the process ends: its Raft log's journal closes with the system
    }

    kit = newKit();
    MemberNode restarted = startMember();
    try {
      assertEquals(3, restarted.raftStatus().term()); // one more election, as etcd
      assertTrue(restarted.raftStatus().appliedIndex() > appliedBefore); // continues from the applied index
      RangeResponse range = restarted.store().range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("foo")).build()).build();
      assertEquals("bar", range.getKvs(0).getValue().toStringUtf8());
      assertEquals(2, restarted.store().currentRevision());
    } finally {
      restarted.close();
    }
  }

  @Test
  void closedMemberRefusesProposalsWithStopped() throws Exception {
    MemberNode member = startMember();
    member.close();
    var f = member.propose(InternalRaftRequest.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))).build());
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        java.util.concurrent.ExecutionException.class, () -> f.toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertEquals(EtcdError.STOPPED, ((EtcdException) e.getCause()).error());
  }

  @Test
  void proposalOverMaxRequestBytesIsRefusedBeforeTheLog() throws Exception {
    MemberNode member = startMember();
    try {
      // etcd checks the marshalled request, header included, against --max-request-bytes (1.5 MiB here).
      var f = member.propose(InternalRaftRequest.newBuilder()
          .setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))
              .setValue(ByteString.copyFrom(new byte[(int) member.limits().maxRequestBytes()])))
          .build());
      var e = org.junit.jupiter.api.Assertions.assertThrows(
          java.util.concurrent.ExecutionException.class, () -> f.toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertEquals(EtcdError.REQUEST_TOO_LARGE, ((EtcdException) e.getCause()).error());
      assertEquals(1, member.store().currentRevision(), "nothing was applied");
    } finally {
      member.close();
    }
  }
}
