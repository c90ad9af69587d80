package io.cairn.grpc.concurrency;

import static io.cairn.grpc.concurrency.ServerMutexTest.await;
import static io.cairn.grpc.concurrency.ServerMutexTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.SinkQueueWithCancel;
import com.google.protobuf.ByteString;
import io.cairn.api.v3electionpb.CampaignResponse;
import io.cairn.api.v3electionpb.LeaderKey;
import io.cairn.api.v3electionpb.LeaderResponse;
import io.cairn.member.EtcdError;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServerElectionTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Materializer mat = Materializer.matFromSystem(testKit.system());
  static final ByteString NAME = ByteString.copyFromUtf8("myelection");

  InMemoryKv kv;
  ServerElection election;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    kv = new InMemoryKv();
    election = new ServerElection(kv, mat, 100);
  }

  static ByteString v(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Test
  void firstCandidateLeadsAndLeaderReportsIt() throws Exception {
    assertEquals(EtcdError.ELECTION_NO_LEADER, failure(election.leader(NAME)));
    long a = kv.grant();
    CampaignResponse resp = await(election.campaign(NAME, a, v("alice")));
    LeaderKey leader = resp.getLeader();
    assertEquals(NAME, leader.getName());
    assertEquals("myelection/" + Long.toHexString(a), leader.getKey().toStringUtf8());
    assertEquals(a, leader.getLease());
    assertEquals(kv.revision(), leader.getRev());
    assertEquals(resp.getHeader().getRevision(), leader.getRev());

    LeaderResponse current = await(election.leader(NAME));
    assertEquals(leader.getKey(), current.getKv().getKey());
    assertEquals("alice", current.getKv().getValue().toStringUtf8());
  }

  @Test
  void proclaimUpdatesOnlyWhileLeader() throws Exception {
    long a = kv.grant();
    LeaderKey leader = await(election.campaign(NAME, a, v("alice"))).getLeader();
    long rev = await(election.proclaim(leader, v("alice-2"))).getHeader().getRevision();
    assertEquals(kv.revision(), rev);
    assertEquals("alice-2", await(election.leader(NAME)).getKv().getValue().toStringUtf8());

    LeaderKey stale = leader.toBuilder().setRev(leader.getRev() + 100).build();
    assertEquals(EtcdError.ELECTION_NOT_LEADER, failure(election.proclaim(stale, v("x"))));
    await(election.resign(leader));
    assertEquals(EtcdError.ELECTION_NOT_LEADER, failure(election.proclaim(leader, v("x"))));
  }

  @Test
  void resignHandsLeadershipToTheNextCandidate() throws Exception {
    long a = kv.grant();
    long b = kv.grant();
    LeaderKey alice = await(election.campaign(NAME, a, v("alice"))).getLeader();
    CompletableFuture<CampaignResponse> bob = election.campaign(NAME, b, v("bob")).toCompletableFuture();
    assertFalse(bob.isDone());
    long bobCreated = kv.revision();

    await(election.resign(alice));
    LeaderKey bobKey = await(bob).getLeader();
    assertEquals(bobCreated, bobKey.getRev());
    assertEquals("bob", await(election.leader(NAME)).getKv().getValue().toStringUtf8());

    // Resigning again (no longer leader) is no error and changes nothing.
    long rev = kv.revision();
    await(election.resign(alice));
    assertEquals(rev, kv.revision());
  }

  @Test
  void campaignAgainWithAnotherValueProclaimsIt() throws Exception {
    long a = kv.grant();
    LeaderKey first = await(election.campaign(NAME, a, v("one"))).getLeader();
    LeaderKey second = await(election.campaign(NAME, a, v("two"))).getLeader();
    assertEquals(first.getRev(), second.getRev(), "the key is re-used: same create revision");
    assertEquals("two", await(election.leader(NAME)).getKv().getValue().toStringUtf8());
  }

  @Test
  void observeFollowsValuesAndLeaders() throws Exception {
    long a = kv.grant();
    long b = kv.grant();
    // Each step waits for the observer's previous response: a fresh leader is read, not replayed, so acting
    // before the observer has read it would (rightly) skip straight to the newer value.
    LeaderKey alice = await(election.campaign(NAME, a, v("alice"))).getLeader();
    SinkQueueWithCancel<LeaderResponse> seen = election.observe(NAME).runWith(Sink.queue(), mat);
    assertEquals("alice", value(seen));
    CompletableFuture<CampaignResponse> bob = election.campaign(NAME, b, v("bob")).toCompletableFuture();
    await(election.proclaim(alice, v("alice-2")));
    LeaderResponse changed = await(seen.pull()).orElseThrow();
    assertEquals("alice-2", changed.getKv().getValue().toStringUtf8());
    assertEquals(changed.getKv().getModRevision(), changed.getHeader().getRevision());
    await(election.resign(alice));
    LeaderKey bobKey = await(bob).getLeader();
    LeaderResponse next = await(seen.pull()).orElseThrow();
    assertEquals("bob", next.getKv().getValue().toStringUtf8());
    assertEquals(bobKey.getKey(), next.getKv().getKey());
    await(election.proclaim(bobKey, v("bob-2")));
    assertEquals("bob-2", value(seen));
    seen.cancel();
  }

  @Test
  void observeWithoutLeaderWaitsForTheFirstCandidate() throws Exception {
    SinkQueueWithCancel<LeaderResponse> seen = election.observe(NAME).runWith(Sink.queue(), mat);
    CompletableFuture<java.util.Optional<LeaderResponse>> first = seen.pull().toCompletableFuture();
    await(election.campaign(NAME, kv.grant(), v("alice")));
    assertEquals("alice", await(first).orElseThrow().getKv().getValue().toStringUtf8());
    seen.cancel();
  }

  static String value(SinkQueueWithCancel<LeaderResponse> queue) throws Exception {
    return await(queue.pull()).orElseThrow().getKv().getValue().toStringUtf8();
  }

  @Test
  void observeStartsWithTheCurrentLeader() throws Exception {
    long a = kv.grant();
    await(election.campaign(NAME, a, v("alice")));
    LeaderResponse first = await(election.observe(NAME).runWith(Sink.head(), mat));
    assertEquals("alice", first.getKv().getValue().toStringUtf8());
  }

  @Test
  void leaderLeaseExpiryPromotesTheNext() throws Exception {
    long a = kv.grant();
    long b = kv.grant();
    await(election.campaign(NAME, a, v("alice")));
    CompletableFuture<CampaignResponse> bob = election.campaign(NAME, b, v("bob")).toCompletableFuture();
    kv.revoke(a);
    assertEquals(b, await(bob).getLeader().getLease());
  }
}
