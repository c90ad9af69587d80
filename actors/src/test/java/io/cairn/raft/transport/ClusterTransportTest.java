package io.cairn.raft.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.api.raft.AppendEntries;
import io.cairn.api.raft.AppendEntriesResponse;
import io.cairn.api.raft.Entry;
import io.cairn.api.raft.RaftMessage;
import io.cairn.member.cluster.ClusterPlan;
import io.cairn.member.cluster.ClusterSystemConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real Artery remoting between ActorSystems in this JVM, on loopback free ports. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterTransportTest {
  private static final Duration CLUSTER_FORMED_WITHIN = Duration.ofSeconds(40);
  private static final Duration DELIVERED_WITHIN = Duration.ofSeconds(15);
  private static final Duration LINKED_WITHIN = Duration.ofSeconds(40);
  private static final long PING_TERM = 0;

  /**
   * Every system here stops as if killed: no coordinated shutdown, so no graceful cluster leave; peers see it
   * vanish, as after kill -9.
   */
  private static final Config CRASH_ON_TERMINATE =
      ConfigFactory.parseString("akka.coordinated-shutdown.run-by-actor-system-terminate = off");

  private final List<ActorSystem<?>> systems = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (ActorSystem<?> s : systems) {
      s.terminate();
    }
    for (ActorSystem<?> s : systems) {
      s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void clusterFormsFromSeedNodesAndMessagesRoundTrip() throws IOException {
    List<String> names = List.of("m0", "m1", "m2");
    String initial = initialCluster(names, freePorts(3));
    Member m0 = start("m0", initial);
    Member m1 = start("m1", initial);
    Member m2 = start("m2", initial);

    for (Member m : List.of(m0, m1, m2)) {
      awaitUpMembers(m, 3);
    }

    RaftMessage append = append(m0, m1, 7, ByteString.copyFromUtf8("put foo bar"));
    m0.transport.send(append);
    assertEquals(append, next(m1));

    RaftMessage response = RaftMessage.newBuilder()
        .setFrom(m1.plan.selfId()).setTo(m0.plan.selfId()).setTerm(7).setClusterId(m1.plan.clusterId())
        .setAppendResponse(AppendEntriesResponse.newBuilder().setSuccess(true).setMatchIndex(1))
        .build();
    m1.transport.send(response);
    assertEquals(response, next(m0));

    RaftMessage toM2 = append(m1, m2, 7, ByteString.copyFromUtf8("x"));
    m1.transport.send(toM2);
    assertEquals(toM2, next(m2));
  }

  @Test
  void largeAppendsPassAndOversizedOnesAreDroppedBeforeArtery() throws IOException {
    String initial = initialCluster(List.of("m0", "m1"), freePorts(2));
    Member m0 = start("m0", initial);
    Member m1 = start("m1", initial);
    awaitLink(m0, m1);

    RaftMessage tooBig = append(m0, m1, 1, ByteString.copyFrom(new byte[m0.transport.maxMessageBytes() + 1]));
    m0.transport.send(tooBig);
    assertEquals(1, m0.transport.droppedOutbound());

    RaftMessage big = append(m0, m1, 1, ByteString.copyFrom(new byte[3 * 1024 * 1024]));
    m0.transport.send(big);
    assertEquals(big, next(m1));
  }

  @Test
  void messagesForAnotherClusterOrMemberAreDroppedOnArrival() throws IOException {
    String initial = initialCluster(List.of("m0", "m1"), freePorts(2));
    Member m0 = start("m0", initial);
    Member m1 = start("m1", initial);
    awaitLink(m0, m1);
    // Straight to m1's receiver, bypassing m0's outbound checks, as a member of another cluster would.
    ActorRef<RaftMessage> m1Receiver = ActorRefResolver.get(m0.system)
        .resolveActorRef(m1.plan.canonical().akkaAddress() + ClusterTransport.RECEIVER_PATH);

    RaftMessage good = append(m0, m1, 2, ByteString.EMPTY);
    m1Receiver.tell(good.toBuilder().setClusterId(good.getClusterId() + 1).build());
    m1Receiver.tell(good.toBuilder().setTo(good.getTo() + 1).build());
    m1Receiver.tell(good);

    // Artery keeps per-sender order, so the good message arrives after both bad ones were dropped.
    assertEquals(good, next(m1));
    assertEquals(2, m1.transport.droppedInbound());
    m0.transport.send(good.toBuilder().setClusterId(12345).build());
    assertEquals(1, m0.transport.droppedOutbound());
  }

  @Test
  void sendingToAnUnreachablePeerNeverBlocksOthers() throws IOException {
    // m2 is in the plan but never started: nothing listens on its port.
    String initial = initialCluster(List.of("m0", "m1", "m2"), freePorts(3));
    Member m0 = start("m0", initial);
    Member m1 = start("m1", initial);
    awaitLink(m0, m1);
    ClusterPlan.Member absent = m0.plan.members().get(2);

    ByteString kib = ByteString.copyFrom(new byte[1024]);
    long startNanos = System.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      m0.transport.send(append(m0.plan, absent.id(), 3, kib));
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    // 10,000 sends only enqueue (and mostly drop: the queue holds 256); a blocking send would take seconds.
    assertTrue(elapsed.compareTo(Duration.ofSeconds(5)) < 0, "sends took " + elapsed);

    RaftMessage toM1 = append(m0, m1, 3, ByteString.copyFromUtf8("still flowing"));
    m0.transport.send(toM1);
    assertEquals(toM1, next(m1));
  }

  @Test
  void aMemberRestartedOnTheSameAddressReceivesAgainAndRejoins() throws Exception {
    String initial = initialCluster(List.of("m0", "m1"), freePorts(2));
    Member m0 = start("m0", initial);
    Member m1 = start("m1", initial);
    awaitUpMembers(m0, 2);
    awaitLink(m0, m1);
    var oldIncarnation = Cluster.get(m1.system).selfMember().uniqueAddress();

    m1.system.terminate();
    m1.system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    systems.remove(m1.system);
    Member restarted = start("m1", initial);

    awaitLink(m0, restarted);
    RaftMessage after = append(m0, restarted, 5, ByteString.copyFromUtf8("after"));
    m0.transport.send(after);
    assertEquals(after, next(restarted));
    awaitLink(restarted, m0);
    RaftMessage back = append(restarted, m0, 5, ByteString.copyFromUtf8("back"));
    restarted.transport.send(back);
    assertEquals(back, next(m0));

    // Akka downs and removes the old incarnation when the new one (same host:port, new uid) joins.
    var newIncarnation = Cluster.get(restarted.system).selfMember().uniqueAddress();
    m0.inbox.awaitAssert(CLUSTER_FORMED_WITHIN, () -> {
      var members = new ArrayList<akka.cluster.Member>();
      Cluster.get(m0.system).state().getMembers().forEach(members::add);
      assertTrue(members.stream().noneMatch(m -> m.uniqueAddress().equals(oldIncarnation)), members.toString());
      assertTrue(members.stream().anyMatch(
          m -> m.uniqueAddress().equals(newIncarnation) && m.status() == MemberStatus.up()), members.toString());
      return null;
    });
  }

  private record Member(
      ActorSystem<Void> system, ClusterPlan plan, ClusterTransport transport, TestProbe<RaftMessage> inbox) {}

  private Member start(String name, String initialCluster) {
    String self = initialCluster.split(name + "=")[1].split(",")[0];
    ClusterPlan plan = ClusterPlan.of(name, initialCluster, List.of(self), List.of(self), "test-token", "new");
    Config config =
        CRASH_ON_TERMINATE.withFallback(ClusterSystemConfig.overlay(plan)).withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "cairn", config);
    systems.add(system);
    ClusterTransport transport = ClusterTransport.start(system, plan);
    TestProbe<RaftMessage> inbox = TestProbe.create(system);
    transport.deliverTo(inbox.getRef());
    return new Member(system, plan, transport, inbox);
  }

  /**
   * Waits until from → to carries messages. Artery loses the few messages in flight while a connection is being
   * (re)established (a peer still starting, or restarted); Raft retries, and so does this, with pings (term 0).
   */
  private static void awaitLink(Member from, Member to) {
    RaftMessage ping = RaftMessage.newBuilder()
        .setFrom(from.plan.selfId()).setTo(to.plan.selfId()).setTerm(PING_TERM).setClusterId(from.plan.clusterId())
        .build();
    to.inbox.awaitAssert(LINKED_WITHIN, () -> {
      from.transport.send(ping);
      assertEquals(ping, to.inbox.receiveMessage(Duration.ofMillis(300)));
      return null;
    });
  }

  /** The next message that is not a ping left over from {@link #awaitLink}. */
  private static RaftMessage next(Member m) {
    long deadlineNanos = System.nanoTime() + DELIVERED_WITHIN.toNanos();
    while (true) {
      RaftMessage msg = m.inbox.receiveMessage(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
      if (msg.getTerm() != PING_TERM) {
        return msg;
      }
    }
  }

  private static void awaitUpMembers(Member m, int count) {
    m.inbox.awaitAssert(CLUSTER_FORMED_WITHIN, () -> {
      var state = Cluster.get(m.system).state();
      long up = 0;
      for (akka.cluster.Member member : state.getMembers()) {
        if (member.status() == MemberStatus.up()) {
          up++;
        }
      }
      assertEquals(count, up, state.toString());
      return null;
    });
  }

  private static RaftMessage append(Member from, Member to, long term, ByteString data) {
    return append(from.plan, to.plan.selfId(), term, data);
  }

  private static RaftMessage append(ClusterPlan from, long to, long term, ByteString data) {
    return RaftMessage.newBuilder()
        .setFrom(from.selfId()).setTo(to).setTerm(term).setClusterId(from.clusterId())
        .setAppend(AppendEntries.newBuilder()
            .setPrevLogIndex(0).setPrevLogTerm(0).setLeaderCommit(0)
            .addEntries(Entry.newBuilder().setTerm(term).setIndex(1).setData(data)))
        .build();
  }

  private static String initialCluster(List<String> names, List<Integer> ports) {
    return IntStream.range(0, names.size())
        .mapToObj(i -> names.get(i) + "=http://127.0.0.1:" + ports.get(i))
        .collect(Collectors.joining(","));
  }

  /** Ports the OS hands out; all held open together so they are distinct, then released for Artery. */
  private static List<Integer> freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }
}
