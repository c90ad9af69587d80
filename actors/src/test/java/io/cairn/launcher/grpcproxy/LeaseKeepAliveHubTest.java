package io.cairn.launcher.grpcproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.NotUsed;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.grpc.javadsl.Metadata;
import akka.grpc.javadsl.MetadataBuilder;
import akka.stream.KillSwitches;
import akka.stream.Materializer;
import akka.stream.SharedKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Source;
import io.cairn.api.etcdserverpb.LeaseKeepAliveRequest;
import io.cairn.api.etcdserverpb.LeaseKeepAliveResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Keep-alive coalescing against an in-process member that answers each request with its lease's TTL. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaseKeepAliveHubTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Materializer mat = Materializer.matFromSystem(testKit.system());
  /** A lease the fake member never answers, as a member that is slow on it. */
  private static final long UNANSWERED = 666;
  private static final Metadata TOKEN = token("t");

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** One member stream the hub opened: the metadata it carried, a way to break it, and the end of its requests. */
  record Opened(Metadata md, SharedKillSwitch breaker, CompletableFuture<Done> requestsEnded) {}

  /** Answers every lease but UNANSWERED with TTL = 10 x ID, as a member answers one response per request. */
  static final class FakeMember implements LeaseKeepAliveHub.Member {
    final List<Opened> opened = new CopyOnWriteArrayList<>();

    @Override
    public Source<LeaseKeepAliveResponse, NotUsed> keepAlive(Source<LeaseKeepAliveRequest, NotUsed> requests,
        Metadata md) {
      SharedKillSwitch breaker = KillSwitches.shared("member");
      CompletableFuture<Done> ended = new CompletableFuture<>();
      opened.add(new Opened(md, breaker, ended));
      return requests
          .watchTermination((notUsed, done) -> done.whenComplete((d, e) -> ended.complete(Done.getInstance())))
          .filter(r -> r.getID() != UNANSWERED)
          .map(r -> LeaseKeepAliveResponse.newBuilder().setID(r.getID()).setTTL(10 * r.getID()).build())
          .via(breaker.flow())
          .mapMaterializedValue(x -> NotUsed.getInstance());
    }
  }

  /** A client's keep-alive stream through the hub, read only when the test asks. */
  static final class Client extends ClientStream<LeaseKeepAliveRequest, LeaseKeepAliveResponse> {
    Client(LeaseKeepAliveHub hub, Metadata md) {
      super(hub::keepAlive, md, mat);
    }

    void send(long... ids) {
      for (long id : ids) {
        requests.offer(LeaseKeepAliveRequest.newBuilder().setID(id).build());
      }
    }

    /** The IDs of the next n answers, checking each carries its lease's TTL. */
    List<Long> read(int n) throws Exception {
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        LeaseKeepAliveResponse answer = next();
        assertEquals(10 * answer.getID(), answer.getTTL());
        ids.add(answer.getID());
      }
      return ids;
    }
  }

  private final FakeMember member = new FakeMember();

  private LeaseKeepAliveHub hub(int maxWaiting, int maxUnread) {
    return new LeaseKeepAliveHub(member, maxWaiting, maxUnread, mat);
  }

  private static Metadata token(String token) {
    return new MetadataBuilder().addText("token", token).build();
  }

  @Test
  void sameMetadataSharesOneMemberStreamAndEachClientGetsItsOwnAnswersInOrder() throws Exception {
    LeaseKeepAliveHub hub = hub(64, 64);
    Client a = new Client(hub, TOKEN);
    Client b = new Client(hub, TOKEN);
    a.send(1, 2, 3, 1);
    b.send(2, 5);
    assertEquals(List.of(1L, 2L, 3L, 1L), a.read(4));
    assertEquals(List.of(2L, 5L), b.read(2));
    b.send(7);
    a.send(2);
    assertEquals(List.of(7L), b.read(1));
    assertEquals(List.of(2L), a.read(1));
    assertEquals(1, member.opened.size());
    assertEquals(Optional.of("t"), member.opened.get(0).md().getText("token"));
    assertEquals(1, hub.upstreamCount());
  }

  @Test
  void differentTokensNeverShare() throws Exception {
    LeaseKeepAliveHub hub = hub(64, 64);
    Client a = new Client(hub, token("a"));
    Client b = new Client(hub, token("b"));
    Client none = new Client(hub, MetadataBuilder.empty());
    a.send(1);
    b.send(1);
    none.send(1);
    assertEquals(List.of(1L), a.read(1));
    assertEquals(List.of(1L), b.read(1));
    assertEquals(List.of(1L), none.read(1));
    assertEquals(3, member.opened.size());
    List<Optional<String>> tokens = member.opened.stream().map(o -> o.md().getText("token")).sorted(
        (x, y) -> x.orElse("").compareTo(y.orElse(""))).toList();
    assertEquals(List.of(Optional.empty(), Optional.of("a"), Optional.of("b")), tokens);
  }

  @Test
  void aClientThatStopsReadingIsFailedAloneAndTheOtherKeepsItsAnswers() throws Exception {
    LeaseKeepAliveHub hub = hub(1000, 4);
    Client slow = new Client(hub, TOKEN);
    Client reader = new Client(hub, TOKEN);
    for (int i = 0; i < 100; i++) {
      slow.send(1);
    }
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, slow.failure().getCode());
    reader.send(1, 2);
    assertEquals(List.of(1L, 2L), reader.read(2));
    assertEquals(1, member.opened.size());
    assertTrue(!member.opened.get(0).requestsEnded().isDone());
  }

  @Test
  void tooManyUnansweredRequestsFailOnlyThatClient() throws Exception {
    LeaseKeepAliveHub hub = hub(8, 64);
    Client greedy = new Client(hub, TOKEN);
    Client other = new Client(hub, TOKEN);
    for (int i = 0; i < 9; i++) {
      greedy.send(UNANSWERED);
    }
    Status status = greedy.failure();
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
    assertTrue(status.getDescription().contains("waiting for an answer"), status.getDescription());
    other.send(3);
    assertEquals(List.of(3L), other.read(1));
  }

  @Test
  void memberFailureFailsEveryAttachedClientAndTheNextOneOpensAFreshStream() throws Exception {
    LeaseKeepAliveHub hub = hub(64, 64);
    Client a = new Client(hub, TOKEN);
    Client b = new Client(hub, TOKEN);
    a.send(1);
    b.send(2);
    a.read(1);
    b.read(1);
    member.opened.get(0).breaker().abort(
        new StatusRuntimeException(Status.UNAVAILABLE.withDescription("member gone")));
    for (Client c : List.of(a, b)) {
      Status status = c.failure();
      assertEquals(Status.Code.UNAVAILABLE, status.getCode());
      assertEquals("member gone", status.getDescription());
    }
    Client later = new Client(hub, TOKEN);
    later.send(4);
    assertEquals(List.of(4L), later.read(1));
    assertEquals(2, member.opened.size());
  }

  @Test
  void aLeavingClientTakesOnlyItsWaitersAndTheMemberStreamEndsAfterTheLastClient() throws Exception {
    LeaseKeepAliveHub hub = hub(64, 64);
    Client leaving = new Client(hub, TOKEN);
    Client closing = new Client(hub, TOKEN);
    leaving.send(1);
    assertEquals(List.of(1L), leaving.read(1));
    leaving.send(UNANSWERED, 1);
    leaving.cancel();
    closing.send(1, 2);
    assertEquals(List.of(1L, 2L), closing.read(2));
    CompletableFuture<Done> requestsEnded = member.opened.get(0).requestsEnded();
    assertTrue(!requestsEnded.isDone());
    assertEquals(1, hub.upstreamCount());

    closing.send(3);
    closing.requests.complete();
    assertEquals(List.of(3L), closing.read(1));
    // as from a member: the half-closed client's stream completes once answered
    assertEquals(Optional.empty(), closing.responses.pull().toCompletableFuture().get(10, TimeUnit.SECONDS));
    requestsEnded.get(10, TimeUnit.SECONDS);
    assertEquals(0, hub.upstreamCount());
    assertEquals(1, member.opened.size());
  }
}
