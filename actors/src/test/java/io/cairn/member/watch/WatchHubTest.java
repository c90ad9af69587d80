package io.cairn.member.watch;

import static io.cairn.member.watch.WatchTestClient.watchKey;
import static io.cairn.member.watch.WatchTestClient.watchRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.javadsl.Sink;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.api.mvccpb.Event;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WatchHubTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  /** Tiny buffers and pages so that a handful of writes already overflow a stream and page through history. */
  private static final WatchSettings SMALL =
      WatchSettings.DEFAULTS.withStreamBufferResponses(4).withCatchUpPageEvents(7);

  private InMemoryWatchHistory history;
  private WatchHub hub;

  @BeforeEach
  void setUp() {
    history = new InMemoryWatchHistory();
    hub = new WatchHub(history, SMALL);
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private WatchTestClient client() {
    return new WatchTestClient(
        in -> in.via(hub.watchStream(rev -> ResponseHeader.newBuilder().setRevision(rev).build(), 1 << 20)),
        testKit.system());
  }

  /** The applier: commit to the store, then publish the batch. */
  private long put(String key, String value) {
    Event e = history.put(key, value);
    hub.publish(List.of(e), e.getKv().getModRevision());
    return e.getKv().getModRevision();
  }

  /** Reads responses of one watcher until {@code count} events came; checks each response's invariants. */
  private static List<Long> eventRevisions(WatchTestClient client, long watchId, int count) {
    List<Long> revisions = new ArrayList<>();
    while (revisions.size() < count) {
      WatchResponse r = client.next();
      if (r.getWatchId() != watchId) {
        continue;
      }
      assertFalse(r.getCanceled(), () -> "unexpected cancel " + r);
      for (Event e : r.getEventsList()) {
        revisions.add(e.getKv().getModRevision());
        assertTrue(r.getHeader().getRevision() >= e.getKv().getModRevision(), "header behind its events");
      }
    }
    return revisions;
  }

  private static void assertConsecutive(long first, int count, List<Long> revisions) {
    List<Long> expected = new ArrayList<>();
    for (long r = first; r < first + count; r++) {
      expected.add(r);
    }
    assertEquals(expected, revisions);
  }

  @Test
  void stalledStreamNeverBlocksPublishAndCatchesUpExactlyOnce() {
    try (WatchTestClient client = client()) {
      WatchResponse created = client.create(watchRange("k", "l"));
      assertEquals(1, created.getHeader().getRevision());
      int writes = 500;
      // Nobody pulls meanwhile: far more than the stream's 4-delivery buffer; publish must not wait.
      assertTimeoutPreemptively(
          Duration.ofSeconds(5),
          () -> {
            for (int i = 0; i < writes; i++) {
              put("k" + (i % 10), "v" + i);
            }
          });
      assertConsecutive(2, writes, eventRevisions(client, created.getWatchId(), writes));
      assertTrue(history.pageReads() > 0, "the lagging watcher should have caught up from history");

      // Back in sync: new writes flow straight through.
      long rev = put("k1", "after");
      assertEquals(List.of(rev), eventRevisions(client, created.getWatchId(), 1));
    }
  }

  @Test
  void concurrentPublishingAndSlowConsumptionLoseAndDuplicateNothing() throws Exception {
    try (WatchTestClient client = client()) {
      long rangeId = client.create(watchRange("a", "z")).getWatchId();
      long keyId = client.create(watchKey("k0")).getWatchId();
      int writes = 3000;
      CompletableFuture<Void> publisher =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < writes; i++) {
                  put("k" + (i % 3), "v" + i);
                }
              });
      List<Long> range = new ArrayList<>();
      List<Long> single = new ArrayList<>();
      while (range.size() < writes || single.size() < writes / 3) {
        WatchResponse r = client.next();
        List<Long> into = r.getWatchId() == rangeId ? range : single;
        r.getEventsList().forEach(e -> into.add(e.getKv().getModRevision()));
      }
      publisher.get(10, TimeUnit.SECONDS);
      assertConsecutive(2, writes, range);
      List<Long> expectedSingle = new ArrayList<>();
      for (long r = 2; r < 2 + writes; r += 3) {
        expectedSingle.add(r);
      }
      assertEquals(expectedSingle, single);
    }
  }

  @Test
  void startRevisionInThePastReplaysHistoryThenFollowsLiveWrites() {
    for (int i = 0; i < 20; i++) {
      put("key", "v" + i); // revisions 2..21
    }
    try (WatchTestClient client = client()) {
      WatchResponse created = client.create(watchKey("key").setStartRevision(5));
      assertEquals(21, created.getHeader().getRevision());
      assertConsecutive(5, 17, eventRevisions(client, created.getWatchId(), 17));
      put("key", "live");
      assertEquals(List.of(22L), eventRevisions(client, created.getWatchId(), 1));
    }
  }

  @Test
  void compactedStartRevisionIsAnsweredWithCompactRevisionAndCancel() {
    for (int i = 0; i < 5; i++) {
      put("key", "v" + i);
    }
    history.compact(4);
    try (WatchTestClient client = client()) {
      long id = client.create(watchKey("key").setStartRevision(2)).getWatchId();
      WatchResponse r = client.next();
      assertEquals(id, r.getWatchId());
      assertEquals(4, r.getCompactRevision());
      assertTrue(r.getCanceled());
      assertEquals(0, r.getEventsCount());
    }
  }

  @Test
  void compactionWhileLaggingCancelsTheWatcherAfterWhatWasAlreadyQueued() {
    try (WatchTestClient client = client()) {
      long id = client.create(watchKey("key")).getWatchId();
      for (int i = 0; i < 1000; i++) {
        put("key", "v" + i);
      }
      history.compact(900);
      List<Long> seen = new ArrayList<>();
      WatchResponse r = client.next();
      while (r.getCompactRevision() == 0) {
        r.getEventsList().forEach(e -> seen.add(e.getKv().getModRevision()));
        r = client.next();
      }
      assertEquals(id, r.getWatchId());
      assertTrue(r.getCanceled());
      assertEquals(900, r.getCompactRevision());
      assertFalse(seen.isEmpty());
      assertConsecutive(2, seen.size(), seen); // what came before the cancel came in order, without gaps
    }
  }

  @Test
  void eventsSourceForServerSideWatchers() throws Exception {
    put("lock/a", "1"); // 2
    put("other", "x"); // 3
    put("lock/b", "2"); // 4
    CompletableFuture<List<Event>> firstThree =
        hub.events(ByteString.copyFromUtf8("lock/"), ByteString.copyFromUtf8("lock0"), 2)
            .take(3)
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture();
    put("lock/c", "3"); // 5
    List<Event> events = firstThree.get(10, TimeUnit.SECONDS);
    assertEquals(List.of(2L, 4L, 5L), events.stream().map(e -> e.getKv().getModRevision()).toList());

    history.compact(4);
    CompletableFuture<List<Event>> compacted =
        hub.events(ByteString.copyFromUtf8("lock/"), ByteString.copyFromUtf8("lock0"), 3)
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture();
    ExecutionException failure =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> compacted.get(10, TimeUnit.SECONDS));
    EtcdException etcd = assertInstanceOf(EtcdException.class, failure.getCause());
    assertEquals(EtcdError.COMPACTED, etcd.error());
  }

  @Test
  void afterASnapshotInstallSyncedWatchersCatchUpFromTheNewStore() {
    try (WatchTestClient client = client()) {
      long id = client.create(watchRange("k", "l")).getWatchId();
      long first = put("k0", "live"); // 2, published
      assertEquals(List.of(first), eventRevisions(client, id, 1));
      // A snapshot brings revisions 3..12 that were never published on this member.
      for (int i = 0; i < 10; i++) {
        history.put("k" + i, "from-snapshot");
      }
      hub.restored(history.currentRevision());
      assertConsecutive(3, 10, eventRevisions(client, id, 10));
      long live = put("k1", "after"); // back in sync: published events flow again
      assertEquals(List.of(live), eventRevisions(client, id, 1));
    }
  }

  @Test
  void afterASnapshotInstallAWatcherWhoseNextRevisionIsCompactedIsCanceled() {
    try (WatchTestClient client = client()) {
      long id = client.create(watchKey("key")).getWatchId(); // next revision 2
      for (int i = 0; i < 10; i++) {
        history.put("key", "v" + i); // 2..11, only in the snapshot
      }
      history.compact(6); // the leader had compacted them
      hub.restored(history.currentRevision());
      WatchResponse r = client.next();
      assertEquals(id, r.getWatchId());
      assertTrue(r.getCanceled());
      assertEquals(6, r.getCompactRevision());
      assertEquals(0, r.getEventsCount());
    }
  }
}
