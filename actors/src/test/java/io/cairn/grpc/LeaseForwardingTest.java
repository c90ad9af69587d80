package io.cairn.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.grpc.GrpcServiceException;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import com.typesafe.config.ConfigFactory;
import io.cairn.api.etcdserverpb.LeaseKeepAliveRequest;
import io.cairn.api.etcdserverpb.LeaseKeepAliveResponse;
import io.cairn.api.etcdserverpb.LeaseTimeToLiveRequest;
import io.cairn.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.cairn.grpc.lease.PeerLeaseRequests;
import io.cairn.member.ClusterInfo;
import io.cairn.member.EtcdError;
import io.cairn.member.RaftStatus;
import io.cairn.member.cluster.ClusterSystemConfig;
import io.cairn.member.cluster.PeerAddress;
import io.cairn.member.lease.Lessor;
import io.grpc.Status;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A follower's LeaseKeepAlive and LeaseTimeToLive go to the leader (etcd v3_server.go LeaseRenew /
 * LeaseTimeToLive): the leader side is a member ActorSystem of its own serving lease requests over Artery; the
 * follower is a LeaseService on another member ActorSystem whose member says the other one leads.
 */
@Timeout(60)
class LeaseForwardingTest {
  private static final long LEADER = 1;
  private static final long FOLLOWER = 2;
  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final Duration FORWARD_TIMEOUT = Duration.ofMillis(500);

  /** The follower's. */
  private static ActorSystem<Void> system;
  private static ActorSystem<Void> leaderSystem;
  private static int leaderPeerPort;
  private static FakeMember leader;

  @BeforeAll
  static void bindLeader() throws Exception {
    system = memberSystem();
    leaderSystem = memberSystem();
    leader = new FakeMember(LEADER, List.of());
    leader.leaderId = LEADER;
    PeerLeaseRequests.serve(leaderSystem, leader);
    leaderPeerPort = leaderSystem.address().getPort().get();
  }

  /** As a member's: named as members are, with the cluster overlay's Artery and serializers, on a free port. */
  private static ActorSystem<Void> memberSystem() {
    return ActorSystem.create(Behaviors.empty(), PeerAddress.SYSTEM_NAME,
        ConfigFactory.parseString("""
                akka.http.server.preview.enable-http2 = on
                akka.remote.artery.canonical.hostname = 127.0.0.1
                akka.remote.artery.canonical.port = 0
                """)
            .withFallback(ConfigFactory.parseResources(ClusterSystemConfig.RESOURCE))
            .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    for (ActorSystem<Void> s : java.util.Arrays.asList(system, leaderSystem)) {
      if (s != null) {
        s.terminate();
      }
    }
  }

  /** A member with its own Lessor, a settable leader and the given cluster members. */
  static final class FakeMember extends MemberApiStub {
    final long id;
    final List<ClusterInfo.Member> members;
    final Lessor lessor = new Lessor(this, null, 1);
    volatile long leaderId;
    /** What applyWait returns; each call is counted down on applyWaits. */
    volatile CompletableFuture<Void> applied = CompletableFuture.completedFuture(null);
    volatile CountDownLatch applyWaits = new CountDownLatch(1);

    FakeMember(long id, List<ClusterInfo.Member> members) {
      super(7, id, 3);
      this.id = id;
      this.members = members;
    }

    @Override
    public ClusterInfo cluster() {
      return new ClusterInfo(7, id, "m" + id, members);
    }

    @Override
    public RaftStatus raftStatus() {
      return new RaftStatus(leaderId, 3, 0, 0, false);
    }

    @Override
    public Lessor lessor() {
      return lessor;
    }

    @Override
    public CompletionStage<Void> applyWait() {
      applyWaits.countDown();
      return applied;
    }

    @Override
    long currentRevision() {
      return 100 + id;
    }

  }

  /** Its client URL is never used: lease requests go to the peer URL. */
  private static ClusterInfo.Member member(long id, int peerPort) {
    return new ClusterInfo.Member(id, "m" + id, List.of("http://127.0.0.1:" + peerPort),
        List.of("http://127.0.0.1:1"), false);
  }

  /** A follower of the leader started in this test. */
  private static FakeMember follower() {
    return follower(leaderPeerPort);
  }

  private static FakeMember follower(int leaderPeerPort) {
    FakeMember follower = new FakeMember(FOLLOWER, List.of(member(LEADER, leaderPeerPort), member(FOLLOWER, 2)));
    follower.leaderId = LEADER;
    return follower;
  }

  private static LeaseService serviceOf(FakeMember member) {
    return new LeaseService(member, system, FORWARD_TIMEOUT);
  }

  private static List<LeaseKeepAliveResponse> keepAlive(LeaseService service, long... ids) throws Exception {
    Source<LeaseKeepAliveRequest, akka.NotUsed> requests = Source.from(
        java.util.Arrays.stream(ids).mapToObj(id -> LeaseKeepAliveRequest.newBuilder().setID(id).build()).toList());
    return await(service.leaseKeepAlive(requests).runWith(Sink.seq(), system));
  }

  @Test
  void keepAlivesThroughAFollowerRenewOnTheLeaderAndCarryTheFollowersHeader() throws Exception {
    leader.lessor.granted(10, 30);
    leader.lessor.granted(11, 40);
    FakeMember follower = follower();

    List<LeaseKeepAliveResponse> replies = keepAlive(serviceOf(follower), 10, 11, 999, 10);

    // The follower's own lessor knows none of them (it would answer TTL 0): the TTLs are the leader's.
    assertEquals(List.of(30L, 40L, 0L, 30L), replies.stream().map(LeaseKeepAliveResponse::getTTL).toList());
    assertEquals(List.of(10L, 11L, 999L, 10L), replies.stream().map(LeaseKeepAliveResponse::getID).toList());
    replies.forEach(r -> assertEquals(FOLLOWER, r.getHeader().getMemberId(), "etcd fills the local header"));
    assertTrue(follower.lessor.leaseIds().isEmpty(), "a follower's lessor is not the one renewed");
  }

  /**
   * etcd's leasehttp handler: the leader renews only after applying what it had committed. A follower answers a
   * LeaseGrant once it applied it and may forward the first keep-alive before the leader applied the grant;
   * renewing at once reported the lease expired (TTL 0, "lease expired" in the benchmark's lease-keepalive).
   */
  @Test
  void theLeaderRenewsAForwardedKeepAliveOnlyAfterApplyingWhatItCommitted() throws Exception {
    CompletableFuture<Void> grantApplied = new CompletableFuture<>();
    leader.applied = grantApplied;
    leader.applyWaits = new CountDownLatch(1);
    try {
      CompletionStage<List<LeaseKeepAliveResponse>> replies = serviceOf(follower())
          .leaseKeepAlive(Source.single(LeaseKeepAliveRequest.newBuilder().setID(30).build()))
          .runWith(Sink.seq(), system);
      assertTrue(leader.applyWaits.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS), "the leader waits to apply");
      leader.lessor.granted(30, 60); // the grant's apply, on the leader, after the follower's
      grantApplied.complete(null);
      assertEquals(List.of(60L), await(replies).stream().map(LeaseKeepAliveResponse::getTTL).toList());
    } finally {
      leader.applied = CompletableFuture.completedFuture(null);
    }
  }

  @Test
  void aKeepAliveTheAskedMemberCannotRenewAsLeaderIsRetriedUntilTheTimeout() throws Exception {
    leader.lessor.granted(12, 30);
    leader.leaderId = 3; // it lost the leadership the follower still believes it has
    try {
      ExecutionException e = assertThrows(ExecutionException.class, () -> keepAlive(serviceOf(follower()), 12));
      assertEtcdStatus(EtcdError.TIMEOUT, e.getCause());
    } finally {
      leader.leaderId = LEADER;
    }
    assertEquals(List.of(30L), keepAlive(serviceOf(follower()), 12).stream().map(LeaseKeepAliveResponse::getTTL).toList());
  }

  @Test
  void timeToLiveThroughAFollowerIsTheLeaders() throws Exception {
    leader.lessor.granted(20, 50);
    LeaseService service = serviceOf(follower());

    LeaseTimeToLiveResponse known = await(service.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(20).build()));
    assertEquals(50, known.getGrantedTTL());
    assertTrue(known.getTTL() > 0 && known.getTTL() <= 50, "remaining " + known.getTTL());
    assertEquals(FOLLOWER, known.getHeader().getMemberId());

    LeaseTimeToLiveResponse unknown = await(service.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(21).build()));
    assertEquals(-1, unknown.getTTL());
  }

  @Test
  void withoutALeaderAFollowerAnswersNoLeaderAfterItsTimeout() {
    FakeMember follower = follower();
    follower.leaderId = 0;
    LeaseService service = serviceOf(follower);

    assertStatus(EtcdError.NO_LEADER, service.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(20).build()));
    ExecutionException e = assertThrows(ExecutionException.class, () -> keepAlive(service, 10));
    assertEtcdStatus(EtcdError.NO_LEADER, e.getCause());
  }

  @Test
  void anUnreachableLeaderTimesOut() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    LeaseService service = serviceOf(follower(closedPort));

    assertStatus(EtcdError.TIMEOUT, service.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(20).build()));
    ExecutionException e = assertThrows(ExecutionException.class, () -> keepAlive(service, 10));
    assertEtcdStatus(EtcdError.TIMEOUT, e.getCause());
  }

  @Test
  void aFollowerWaitsForALeaderToBeElected() throws Exception {
    leader.lessor.granted(30, 60);
    FakeMember follower = follower();
    follower.leaderId = 0;
    LeaseService service = new LeaseService(follower, system, AWAIT);

    CompletionStage<LeaseTimeToLiveResponse> reply =
        service.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(30).build());
    follower.leaderId = LEADER; // elected while the request waits (or before it looked: the same answer)
    assertEquals(60, await(reply).getGrantedTTL());
  }

  private static void assertStatus(EtcdError expected, CompletionStage<?> call) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(call));
    assertEtcdStatus(expected, e.getCause());
  }

  private static void assertEtcdStatus(EtcdError expected, Throwable failure) {
    assertTrue(failure instanceof GrpcServiceException, () -> "not a status: " + failure);
    Status status = ((GrpcServiceException) failure).getStatus();
    assertEquals(expected.code(), status.getCode());
    assertEquals(expected.message(), status.getDescription());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(AWAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
