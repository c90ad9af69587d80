package io.cairn.grpc;

import static io.cairn.member.watch.WatchTestClient.watchKey;
import static io.cairn.member.watch.WatchTestClient.watchRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.cairn.api.etcdserverpb.WatchCreateRequest.FilterType;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.api.mvccpb.Event;
import io.cairn.member.ServerLimits;
import io.cairn.member.watch.InMemoryWatchHistory;
import io.cairn.member.watch.WatchHub;
import io.cairn.member.watch.WatchSettings;
import io.cairn.member.watch.WatchTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WatchServiceTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final long CLUSTER_ID = 0x1234;
  private static final long MEMBER_ID = 0x42;

  private InMemoryWatchHistory history;
  private WatchHub hub;
  private WatchTestClient client;
  private long maxRequestBytes = ServerLimits.ETCD_DEFAULTS.maxRequestBytes();

  @BeforeEach
  void setUp() {
    history = new InMemoryWatchHistory();
    hub = new WatchHub(history, WatchSettings.DEFAULTS.withProgressNotifyInterval(Duration.ofMillis(200)));
    client = newClient();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private WatchTestClient newClient() {
    WatchService service = new WatchService(new FakeMember(), testKit.system());
    return new WatchTestClient(service::watch, testKit.system());
  }

  private void publish(List<Event> events) {
    hub.publish(events, events.get(events.size() - 1).getKv().getModRevision());
  }

  private long put(String key, String value) {
    Event e = history.put(key, value);
    publish(List.of(e));
    return e.getKv().getModRevision();
  }

  private long delete(String key) {
    Event e = history.delete(key);
    publish(List.of(e));
    return e.getKv().getModRevision();
  }

  @Test
  void createdResponsesCarryTheMemberHeaderAndAutoAssignedIdsFromZero() {
    put("x", "1"); // revision 2
    for (long expected = 0; expected < 3; expected++) {
      WatchResponse created = client.create(watchKey("k" + expected));
      assertEquals(expected, created.getWatchId());
      assertEquals(2, created.getHeader().getRevision());
      assertEquals(CLUSTER_ID, created.getHeader().getClusterId());
      assertEquals(MEMBER_ID, created.getHeader().getMemberId());
      assertFalse(created.getCanceled());
    }
  }

  @Test
  void explicitIdsAreKeptAndADuplicateIsRefusedAsEtcd() {
    assertEquals(7, client.create(watchKey("a").setWatchId(7)).getWatchId());
    WatchResponse dup = client.create(watchKey("b").setWatchId(7));
    assertEquals(-1, dup.getWatchId());
    assertTrue(dup.getCanceled());
    assertEquals("mvcc: duplicate watch ID provided on the WatchStream", dup.getCancelReason());
    assertEquals(0, client.create(watchKey("c")).getWatchId());

    long rev = put("a", "1");
    WatchResponse r = client.next();
    assertEquals(7, r.getWatchId());
    assertEquals(rev, r.getEvents(0).getKv().getModRevision());
    assertEquals(rev, r.getHeader().getRevision());
  }

  @Test
  void emptyRangeIsRefused() {
    WatchResponse r = client.create(watchRange("b", "a"));
    assertTrue(r.getCanceled());
    assertEquals(-1, r.getWatchId());
    assertEquals("mvcc: watcher range is empty", r.getCancelReason());
  }

  @Test
  void cancelAnswersCanceledAndStopsEvents() {
    long id = client.create(watchKey("a")).getWatchId();
    client.cancel(id);
    WatchResponse canceled = client.next();
    assertEquals(id, canceled.getWatchId());
    assertTrue(canceled.getCanceled());
    put("a", "1");
    client.requestProgress();
    WatchResponse next = client.next(); // the progress answer, not an event for the cancelled watcher
    assertEquals(-1, next.getWatchId());
    assertEquals(0, next.getEventsCount());
    assertEquals(2, next.getHeader().getRevision());
  }

  @Test
  void progressRequestAnswersTheCurrentRevisionWithWatchIdMinusOne() {
    client.create(watchKey("a"));
    put("a", "1");
    put("b", "1");
    WatchResponse event = client.next();
    assertEquals(2, event.getEvents(0).getKv().getModRevision());
    client.requestProgress();
    WatchResponse progress = client.next();
    assertEquals(-1, progress.getWatchId());
    assertEquals(3, progress.getHeader().getRevision());
    assertFalse(progress.getCreated() || progress.getCanceled());
  }

  @Test
  void filtersDropPutsOrDeletes() {
    long noPut = client.create(watchKey("a").addFilters(FilterType.NOPUT)).getWatchId();
    put("a", "1");
    long deleted = delete("a");
    WatchResponse r = client.next();
    assertEquals(noPut, r.getWatchId());
    assertEquals(1, r.getEventsCount());
    assertEquals(Event.EventType.DELETE, r.getEvents(0).getType());
    assertEquals(deleted, r.getEvents(0).getKv().getModRevision());

    long noDelete = client.create(watchKey("b").addFilters(FilterType.NODELETE)).getWatchId();
    put("b", "1");
    delete("b");
    long put2 = put("b", "2");
    List<Long> seen = new ArrayList<>();
    while (seen.size() < 2) {
      WatchResponse w = client.next();
      assertEquals(noDelete, w.getWatchId());
      w.getEventsList().forEach(e -> {
        assertEquals(Event.EventType.PUT, e.getType());
        seen.add(e.getKv().getModRevision());
      });
    }
    assertEquals(put2, seen.get(1));
  }

  @Test
  void prevKvIsTheValueBeforeEachUpdateAndDelete() {
    long id = client.create(watchKey("a").setPrevKv(true)).getWatchId();
    put("a", "1");
    put("a", "2");
    delete("a");
    List<Event> events = new ArrayList<>();
    while (events.size() < 3) {
      WatchResponse r = client.next();
      assertEquals(id, r.getWatchId());
      events.addAll(r.getEventsList());
    }
    assertFalse(events.get(0).hasPrevKv(), "a creation has no previous value");
    assertEquals("1", events.get(1).getPrevKv().getValue().toStringUtf8());
    assertEquals("2", events.get(2).getPrevKv().getValue().toStringUtf8());
    assertEquals(Event.EventType.DELETE, events.get(2).getType());
  }

  @Test
  void replayFromStartRevisionAlsoFillsPrevKv() {
    put("a", "1");
    put("a", "2");
    long id = client.create(watchKey("a").setStartRevision(2).setPrevKv(true)).getWatchId();
    WatchResponse r = client.next();
    assertEquals(id, r.getWatchId());
    assertEquals(2, r.getEventsCount());
    assertEquals("1", r.getEvents(1).getPrevKv().getValue().toStringUtf8());
  }

  @Test
  void largeResponsesAreFragmentedForFragmentWatchers() {
    client.close();
    maxRequestBytes = 300;
    client = newClient();
    long id = client.create(watchRange("k", "l").setFragment(true)).getWatchId();
    String[] kvs = new String[20];
    for (int i = 0; i < 10; i++) {
      kvs[2 * i] = "k" + i;
      kvs[2 * i + 1] = "x".repeat(100);
    }
    List<Event> txn = history.putAll(kvs);
    publish(txn);
    List<Event> received = new ArrayList<>();
    int fragments = 0;
    WatchResponse r;
    do {
      r = client.next();
      assertEquals(id, r.getWatchId());
      received.addAll(r.getEventsList());
      fragments++;
    } while (r.getFragment());
    assertTrue(fragments > 1, "expected the 10-event revision to be split");
    assertEquals(txn, received);
  }

  @Test
  void progressNotifyWatchersHearTheRevisionWhenIdle() {
    put("other", "1"); // revision 2, before the watcher exists: every tick reports 2
    long id = client.create(watchKey("a").setProgressNotify(true)).getWatchId();
    WatchResponse r = client.next();
    assertEquals(id, r.getWatchId());
    assertEquals(0, r.getEventsCount());
    assertEquals(2, r.getHeader().getRevision());
  }

  @Test
  void closingTheStreamRemovesItsWatchers() {
    client.create(watchKey("a"));
    client.close();
    client = newClient();
    long id = client.create(watchKey("a")).getWatchId();
    assertEquals(0, id);
    long rev = put("a", "1");
    WatchResponse r = client.next();
    assertEquals(id, r.getWatchId());
    assertEquals(rev, r.getEvents(0).getKv().getModRevision());
  }

  /** The member as the Watch service sees it: headers, limits and the hub. */
  private final class FakeMember extends MemberApiStub {
    FakeMember() {
      super(CLUSTER_ID, MEMBER_ID, 1);
    }

    @Override
    public WatchHub watchHub() {
      return hub;
    }

    @Override
    public ServerLimits limits() {
      return new ServerLimits(maxRequestBytes, 128, 1L << 31);
    }

    @Override
    long currentRevision() {
      return history.currentRevision();
    }
  }
}
