package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.RangeRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CompactionTest extends StoreTestSupport {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** a: 2,3,4 (v3) ; b: 5, deleted 6 ; c: 7 ; a: 8 (v4) → 7 records, current 8. */
  private void history() throws Exception {
    put("a", "1");
    put("a", "2");
    put("a", "3");
    put("b", "1");
    delete("b", "");
    put("c", "1");
    put("a", "4");
  }

  private long compact(long rev) throws MvccException {
    return apply(
        b -> {
          b.compact(rev);
          return b.revision();
        });
  }

  @Test
  void futureAndAlreadyCompactedAreRefused() throws Exception {
    history();
    assertCode(MvccException.Code.FUTURE_REVISION, () -> compact(9));
    compact(5);
    assertEquals(5, store.compactedRevision());
    assertCode(MvccException.Code.COMPACTED, () -> compact(5));
    assertCode(MvccException.Code.COMPACTED, () -> compact(3));
    compact(6);
    assertEquals(8, store.currentRevision());
  }

  @Test
  void readsBelowTheCompactionFailAndAtItWork() throws Exception {
    history();
    compact(6);
    assertTrue(store.awaitCompaction(WAIT));
    assertCode(
        MvccException.Code.COMPACTED,
        () -> range(RangeRequest.newBuilder().setKey(bs("a")).setRevision(5)));
    // etcd 3.4 allows reading at exactly the compaction revision
    assertEquals("3", str(getAt("a", 6).orElseThrow().getValue()));
    assertTrue(getAt("b", 6).isEmpty());
    assertEquals("3", str(getAt("a", 7).orElseThrow().getValue()));
    assertEquals("1", str(getAt("c", 7).orElseThrow().getValue()));
    var a = get("a").orElseThrow();
    assertEquals(4, a.getVersion());
    assertEquals(2, a.getCreateRevision());
    assertCode(MvccException.Code.COMPACTED, () -> store.events(6, bs("a"), bs(""), 10));
    assertEquals(2, store.events(7, bs("\0"), bs("\0"), 10).events().size());
    assertTrue(store.get(bs("a"), 5).isEmpty());
  }

  @Test
  void oldRevisionsAreRemovedPhysically() throws Exception {
    history();
    assertEquals(7, store.revisionRecordCount());
    compact(6);
    assertTrue(store.awaitCompaction(WAIT));
    // kept: a@4 (newest <= 6), c@7, a@8; b's put and tombstone are gone
    assertEquals(3, store.revisionRecordCount());
    compact(8);
    assertTrue(store.compactionFinished(8).get(30, TimeUnit.SECONDS) == null);
    assertEquals(2, store.revisionRecordCount());
    reopen();
    assertEquals(8, store.currentRevision());
    assertEquals(8, store.compactedRevision());
    assertEquals(List.of("a", "c"), keys(range(RangeRequest.newBuilder().setKey(bs("\0")).setRangeEnd(bs("\0")))));
    assertEquals(4, get("a").orElseThrow().getVersion());
    assertEquals(9, put("a", "5"));
    assertEquals(5, get("a").orElseThrow().getVersion());
  }

  @Test
  void compactionOfTheLatestDeleteKeepsTheRevision() throws Exception {
    put("a", "1");
    delete("a", "");
    compact(3);
    assertTrue(store.awaitCompaction(WAIT));
    assertEquals(0, store.revisionRecordCount());
    reopen();
    // the revision is not lost although no record holds it any more
    assertEquals(3, store.currentRevision());
    assertEquals(4, put("b", "1"));
  }

  @Test
  void compactInABatchWithLaterWrites() throws Exception {
    history();
    try (ApplyBatch b = store.beginApply()) {
      b.compact(8);
      b.put(PutRequest.newBuilder().setKey(bs("b")).setValue(bs("x")).build());
      assertCode(
          MvccException.Code.COMPACTED,
          () -> b.range(RangeRequest.newBuilder().setKey(bs("a")).setRevision(7).build()));
      b.commit(50, false);
    }
    assertTrue(store.awaitCompaction(WAIT));
    assertEquals(3, store.revisionRecordCount());
    assertEquals(1, get("b").orElseThrow().getVersion());
  }

  @Test
  void restartInTheMiddleFinishesTheCompaction() throws Exception {
    store.close();
    CountDownLatch firstChunk = new CountDownLatch(1);
    store =
        MvccStore.open(
            dir.resolve("db"),
            new StoreOptions(
                2,
                chunk -> {
                  firstChunk.countDown();
                  return false; // "crash" after the first chunk
                }));
    for (int i = 0; i < 10; i++) {
      put("k", "v" + i); // 2..11
    }
    put("other", "x"); // 12
    compact(11);
    assertTrue(firstChunk.await(30, TimeUnit.SECONDS));
    assertTrue(!store.awaitCompaction(Duration.ofMillis(1)));
    store.close();
    // On disk now: the compaction is scheduled, not finished, and only the first chunk (k@2, k@3) is gone.
    try (org.iq80.leveldb.DB raw = MvccStore.openDb(dir.resolve("db"))) {
      assertEquals(11, LevelDbKeys.bytesLong(raw.get(LevelDbKeys.SCHEDULED_COMPACT)));
      assertEquals(null, raw.get(LevelDbKeys.FINISHED_COMPACT));
      assertEquals(null, raw.get(LevelDbKeys.revKey(new Revision(3, 0), false)));
      assertTrue(raw.get(LevelDbKeys.revKey(new Revision(4, 0), false)) != null);
    }
    store = MvccStore.open(dir.resolve("db"));
    assertTrue(store.awaitCompaction(WAIT));
    assertEquals(2, store.revisionRecordCount()); // k@11, other@12
    assertEquals("v9", str(get("k").orElseThrow().getValue()));
    assertEquals(10, get("k").orElseThrow().getVersion());
    assertEquals(11, store.compactedRevision());
  }
}
