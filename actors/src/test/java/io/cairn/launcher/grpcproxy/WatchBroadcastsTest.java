package io.cairn.launcher.grpcproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.NotUsed;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.grpc.javadsl.Metadata;
import akka.grpc.javadsl.MetadataBuilder;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.etcdserverpb.WatchCancelRequest;
import io.cairn.api.etcdserverpb.WatchCreateRequest;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.api.mvccpb.Event;
import io.cairn.api.mvccpb.KeyValue;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.cairn.member.watch.WatchAdmission;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Watch coalescing (etcd's c-watchers onto s-watchers) against an in-process member whose watch streams the test
 * drives: it sees each member watcher the proxy opens (its create request and metadata), answers for it, and learns
 * when the proxy cancels it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchBroadcastsTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Materializer mat = Materializer.matFromSystem(testKit.system());
  private static final Metadata TOKEN = token("t");
  private static final ByteString KEY = ByteString.copyFromUtf8("k");

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** One member watch stream the proxy opened. */
  record Opened(Metadata md, CompletableFuture<WatchCreateRequest> create, BoundedSourceQueue<WatchResponse> answers,
      CompletableFuture<Done> ended) {
    WatchCreateRequest request() throws Exception {
      return create.get(10, TimeUnit.SECONDS);
    }

    void answer(WatchResponse response) {
      assertTrue(answers.offer(response).isEnqueued());
    }

    boolean isEnded() {
      return ended.isDone();
    }
  }

  static final class FakeMember implements WatchRanges.Member {
    final List<Opened> opened = new CopyOnWriteArrayList<>();

    @Override
    public Source<WatchResponse, NotUsed> watch(Source<WatchRequest, NotUsed> requests, Metadata md) {
      CompletableFuture<WatchCreateRequest> create = new CompletableFuture<>();
      requests.take(1).runWith(Sink.foreach(r -> create.complete(r.getCreateRequest())), mat);
      Pair<BoundedSourceQueue<WatchResponse>, Source<WatchResponse, NotUsed>> answers =
          Source.<WatchResponse>queue(1000).preMaterialize(mat);
      CompletableFuture<Done> ended = new CompletableFuture<>();
      opened.add(new Opened(md, create, answers.first(), ended));
      return answers.second().watchTermination((notUsed, done) -> {
        done.whenComplete((d, e) -> ended.complete(Done.getInstance()));
        return notUsed;
      });
    }
  }

  /** A client's watch stream through the proxy, read only when the test asks. */
  static final class Client extends ClientStream<WatchRequest, WatchResponse> {
    Client(WatchProxy proxy, Metadata md) {
      super(proxy::watch, md, mat);
    }

    void create(WatchCreateRequest.Builder create) {
      requests.offer(WatchRequest.newBuilder().setCreateRequest(create).build());
    }

    void cancel(long id) {
      requests.offer(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id))
          .build());
    }
  }

  private final FakeMember member = new FakeMember();
  private final WatchRanges ranges = new WatchRanges(member, mat);

  private WatchProxy proxy(int maxUnsent) {
    return new WatchProxy(ranges, new Namespace(""), maxUnsent);
  }

  private static Metadata token(String token) {
    return new MetadataBuilder().addText("token", token).build();
  }

  private static WatchCreateRequest.Builder watch(ByteString key) {
    return WatchCreateRequest.newBuilder().setKey(key);
  }

  private static ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setClusterId(7).setMemberId(8).setRaftTerm(2).setRevision(revision).build();
  }

  private static WatchResponse created(long revision) {
    return WatchResponse.newBuilder().setHeader(header(revision)).setCreated(true).build();
  }

  private static Event put(long revision, String value) {
    KeyValue prev = KeyValue.newBuilder().setKey(KEY).setValue(ByteString.copyFromUtf8("old"))
        .setModRevision(revision - 1).build();
    return Event.newBuilder().setType(Event.EventType.PUT)
        .setKv(KeyValue.newBuilder().setKey(KEY).setValue(ByteString.copyFromUtf8(value)).setModRevision(revision))
        .setPrevKv(prev).build();
  }

  private static Event delete(long revision) {
    return Event.newBuilder().setType(Event.EventType.DELETE)
        .setKv(KeyValue.newBuilder().setKey(KEY).setModRevision(revision)).build();
  }

  private static WatchResponse events(long revision, Event... events) {
    return WatchResponse.newBuilder().setHeader(header(revision)).addAllEvents(List.of(events)).build();
  }

  /** Polls the condition (the test kit's awaitAssert), failing after 10 seconds. */
  private static void await(String what, BooleanSupplier condition) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertTrue(condition.getAsBoolean(), what);
      return null;
    });
  }

  /** Two current watchers on KEY, coalesced onto member watcher 0 (the second's own one stopped), at revision 5. */
  private Client[] twoCoalesced(WatchProxy proxy, WatchCreateRequest.Builder first, WatchCreateRequest.Builder second)
      throws Exception {
    Client a = new Client(proxy, TOKEN);
    a.create(first);
    await("the first member watcher", () -> member.opened.size() == 1);
    member.opened.get(0).answer(created(5));
    assertEquals(WatchResponse.newBuilder().setHeader(header(5)).setWatchId(0).setCreated(true).build(), a.next());

    // a current watcher cannot join a running member watcher: it learns its created revision on its own one
    Client b = new Client(proxy, TOKEN);
    b.create(second);
    await("the second member watcher", () -> member.opened.size() == 2);
    member.opened.get(1).answer(created(5));
    assertEquals(WatchResponse.newBuilder().setHeader(header(5)).setWatchId(0).setCreated(true).build(), b.next());
    // ... and is then coalesced into the first, its own member watcher cancelled
    member.opened.get(1).ended().get(10, TimeUnit.SECONDS);
    assertFalse(member.opened.get(0).isEnded());
    assertEquals(1, ranges.serverWatcherCount());
    assertEquals(1, ranges.coalescingCount());
    return new Client[] {a, b};
  }

  @Test
  void twoWatchersOnOneKeyShareOneMemberWatcherAndEachGetsItsOptions() throws Exception {
    WatchProxy proxy = proxy(64);
    Client[] clients = twoCoalesced(proxy, watch(KEY).setPrevKv(true), watch(KEY));
    Client withPrev = clients[0];
    Client plain = clients[1];
    WatchCreateRequest opened = member.opened.get(0).request();
    assertEquals(KEY, opened.getKey());
    assertEquals(0, opened.getStartRevision());
    assertTrue(opened.getPrevKv() && opened.getProgressNotify(), opened.toString());
    assertEquals(Optional.of("t"), member.opened.get(0).md().getText("token"));

    member.opened.get(0).answer(events(6, put(6, "v6")));
    WatchResponse full = withPrev.next();
    assertEquals(List.of(put(6, "v6")), full.getEventsList());
    assertEquals(header(6), full.getHeader());
    WatchResponse stripped = plain.next();
    assertEquals(List.of(put(6, "v6").toBuilder().clearPrevKv().build()), stripped.getEventsList());
    assertEquals(0, stripped.getWatchId());

    // a progress notify only for those that asked (none here); events after it still flow
    member.opened.get(0).answer(WatchResponse.newBuilder().setHeader(header(7)).build());
    member.opened.get(0).answer(events(8, delete(8)));
    assertEquals(List.of(delete(8)), withPrev.next().getEventsList());
    assertEquals(List.of(delete(8)), plain.next().getEventsList());
    assertEquals(1, member.opened.stream().filter(o -> !o.isEnded()).count());
  }

  @Test
  void filtersApplyPerWatcher() throws Exception {
    WatchProxy proxy = proxy(64);
    Client[] clients = twoCoalesced(proxy,
        watch(KEY).addFilters(WatchCreateRequest.FilterType.NOPUT).setProgressNotify(true),
        watch(KEY).addFilters(WatchCreateRequest.FilterType.NODELETE));
    Client noPut = clients[0];
    Client noDelete = clients[1];
    member.opened.get(0).answer(events(6, put(6, "a"), delete(6)));
    member.opened.get(0).answer(events(7, put(7, "b")));
    member.opened.get(0).answer(WatchResponse.newBuilder().setHeader(header(9)).build());
    assertEquals(List.of(delete(6)), noPut.next().getEventsList());
    // the put at 7 is filtered out entirely; then the progress notify it asked for
    WatchResponse progress = noPut.next();
    assertEquals(0, progress.getEventsCount());
    assertEquals(header(9), progress.getHeader());
    assertEquals(List.of(put(6, "a").toBuilder().clearPrevKv().build()), noDelete.next().getEventsList());
    assertEquals(List.of(put(7, "b").toBuilder().clearPrevKv().build()), noDelete.next().getEventsList());
  }

  @Test
  void cancellingOneKeepsTheOtherAndTheLastCancelStopsTheMemberWatcher() throws Exception {
    WatchProxy proxy = proxy(64);
    Client[] clients = twoCoalesced(proxy, watch(KEY), watch(KEY));
    Client a = clients[0];
    Client b = clients[1];
    member.opened.get(0).answer(events(6, put(6, "v")));
    a.next();
    b.next();
    a.cancel(0);
    // etcd's proxy answers a cancel with the last header it sent that watcher
    assertEquals(WatchResponse.newBuilder().setHeader(header(6)).setWatchId(0).setCanceled(true).build(), a.next());
    member.opened.get(0).answer(events(7, put(7, "w")));
    assertEquals(7, b.next().getEvents(0).getKv().getModRevision());
    assertFalse(member.opened.get(0).isEnded());
    assertEquals(0, ranges.coalescingCount());

    b.cancel(0);
    assertTrue(b.next().getCanceled());
    member.opened.get(0).ended().get(10, TimeUnit.SECONDS);
    assertEquals(0, ranges.serverWatcherCount());
    // the streams stay open: a new watcher opens a fresh member watcher
    a.create(watch(KEY));
    await("a fresh member watcher", () -> member.opened.size() == 3);
    member.opened.get(2).answer(created(7));
    assertEquals(1, a.next().getWatchId());
  }

  @Test
  void aClientGoingAwayTakesItsWatchersAlong() throws Exception {
    WatchProxy proxy = proxy(64);
    Client[] clients = twoCoalesced(proxy, watch(KEY), watch(KEY));
    clients[0].responses.cancel();
    clients[0].done.toCompletableFuture().get(10, TimeUnit.SECONDS);
    await("the first client's watcher gone", () -> ranges.coalescingCount() == 0);
    member.opened.get(0).answer(events(6, put(6, "v")));
    assertEquals(6, clients[1].next().getEvents(0).getKv().getModRevision());
    clients[1].responses.cancel();
    member.opened.get(0).ended().get(10, TimeUnit.SECONDS);
  }

  @Test
  void differentMetadataNeverShares() throws Exception {
    WatchProxy proxy = proxy(64);
    Client a = new Client(proxy, token("a"));
    Client b = new Client(proxy, token("b"));
    Client none = new Client(proxy, MetadataBuilder.empty());
    a.create(watch(KEY));
    await("a's member watcher", () -> member.opened.size() == 1);
    member.opened.get(0).answer(created(5));
    a.next();
    b.create(watch(KEY));
    none.create(watch(KEY));
    await("three member watchers", () -> member.opened.size() == 3);
    member.opened.get(1).answer(created(5));
    member.opened.get(2).answer(created(5));
    b.next();
    none.next();
    for (Opened o : member.opened) {
      o.answer(events(6, put(6, "v")));
    }
    for (Client c : List.of(a, b, none)) {
      assertEquals(1, c.next().getEventsCount());
    }
    assertTrue(member.opened.stream().noneMatch(Opened::isEnded));
    assertEquals(3, ranges.serverWatcherCount());
    // b's and none's member watchers open in either order
    List<String> tokens = member.opened.stream().map(o -> o.md().getText("token").orElse("(none)")).sorted().toList();
    assertEquals(List.of("(none)", "a", "b"), tokens);
  }

  @Test
  void aWatcherThatDoesNotReadIsEndedAloneAndTheOtherKeepsItsEvents() throws Exception {
    WatchProxy proxy = proxy(4);
    Client[] clients = twoCoalesced(proxy, watch(KEY), watch(KEY));
    Client slow = clients[0];
    Client reader = clients[1];
    for (int rev = 6; rev < 106; rev++) {
      member.opened.get(0).answer(events(rev, put(rev, "v" + rev)));
      assertEquals(rev, reader.next().getEvents(0).getKv().getModRevision());
    }
    Status status = slow.failure();
    assertEquals(Status.Code.UNAVAILABLE, status.getCode());
    assertTrue(status.getDescription().contains("too slow"), status.getDescription());
    assertFalse(member.opened.get(0).isEnded());
    assertEquals(1, ranges.serverWatcherCount());
  }

  @Test
  void aStartRevisionBehindTheSharedWatcherGetsItsOwnAndOneAheadJoins() throws Exception {
    WatchProxy proxy = proxy(64);
    Client current = new Client(proxy, TOKEN);
    current.create(watch(KEY));
    await("the member watcher", () -> member.opened.size() == 1);
    member.opened.get(0).answer(created(10));
    member.opened.get(0).answer(events(12, put(12, "v")));
    current.next();
    current.next();

    // from revision 5: the shared watcher is past it, so it catches up on its own member watcher
    Client behind = new Client(proxy, TOKEN);
    behind.create(watch(KEY).setStartRevision(5));
    await("a member watcher from revision 5", () -> member.opened.size() == 2);
    assertEquals(5, member.opened.get(1).request().getStartRevision());
    member.opened.get(1).answer(created(12));
    member.opened.get(1).answer(events(12, put(7, "old"), put(12, "v")));
    assertTrue(behind.next().getCreated());
    assertEquals(2, behind.next().getEventsCount());

    // from revision 20: nothing to miss, it joins and gets its created response from the proxy
    Client ahead = new Client(proxy, TOKEN);
    ahead.create(watch(KEY).setStartRevision(20));
    WatchResponse created = ahead.next();
    assertEquals(WatchResponse.newBuilder().setHeader(header(12)).setWatchId(0).setCreated(true).build(), created);
    member.opened.get(0).answer(events(20, put(20, "x")));
    assertEquals(20, ahead.next().getEvents(0).getKv().getModRevision());
    assertEquals(20, current.next().getEvents(0).getKv().getModRevision());
    // the caught-up one was coalesced too (revision 13 is not behind 13): one member watcher for all three
    await("behind's member watcher coalesced", () -> member.opened.get(1).isEnded());
    assertEquals(20, behind.next().getEvents(0).getKv().getModRevision());
    assertEquals(1, ranges.serverWatcherCount());
    assertEquals(2, ranges.coalescingCount());
  }

  @Test
  void compactionReachesEveryWatcherAndEndsTheMemberWatcher() throws Exception {
    WatchProxy proxy = proxy(64);
    Client[] clients = twoCoalesced(proxy, watch(KEY), watch(KEY));
    member.opened.get(0).answer(WatchResponse.newBuilder().setHeader(header(0)).setCompactRevision(3)
        .setCanceled(true).build());
    for (Client c : clients) {
      WatchResponse r = c.next();
      assertEquals(3, r.getCompactRevision());
      assertTrue(r.getCanceled());
      assertEquals(0, r.getWatchId());
    }
    member.opened.get(0).ended().get(10, TimeUnit.SECONDS);
    assertEquals(0, ranges.serverWatcherCount());
    // the watcher is gone: cancelling it gets no answer, as from a member; a new watcher on the stream still works
    clients[0].cancel(0);
    clients[0].create(watch(KEY));
    await("a fresh member watcher", () -> member.opened.size() == 3);
    member.opened.get(2).answer(created(9));
    assertEquals(WatchResponse.newBuilder().setHeader(header(9)).setWatchId(1).setCreated(true).build(),
        clients[0].next());
  }

  @Test
  void aMemberStreamFailureFailsItsClientStreamsWithItsStatus() throws Exception {
    WatchProxy proxy = proxy(64);
    Client[] clients = twoCoalesced(proxy, watch(KEY), watch(KEY));
    member.opened.get(0).answers().fail(new StatusRuntimeException(Status.UNAVAILABLE.withDescription("gone")));
    for (Client c : clients) {
      Status status = c.failure();
      assertEquals(Status.Code.UNAVAILABLE, status.getCode());
      assertEquals("gone", status.getDescription());
    }
    assertEquals(0, ranges.serverWatcherCount());
  }

  @Test
  void refusalsAsAMember() throws Exception {
    WatchProxy proxy = proxy(64);
    Client c = new Client(proxy, TOKEN);
    c.create(watch(ByteString.copyFromUtf8("b")).setRangeEnd(ByteString.copyFromUtf8("a")));
    WatchResponse empty = c.next();
    assertEquals(-1, empty.getWatchId());
    assertTrue(empty.getCreated() && empty.getCanceled());
    assertEquals(WatchAdmission.EMPTY_RANGE, empty.getCancelReason());
    c.create(watch(KEY).setWatchId(4));
    await("the member watcher", () -> member.opened.size() == 1);
    member.opened.get(0).answer(created(5));
    assertEquals(4, c.next().getWatchId());
    c.create(watch(KEY).setWatchId(4));
    assertEquals(WatchAdmission.DUPLICATE_ID, c.next().getCancelReason());
    assertEquals(1, member.opened.size());
  }
}
