package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.etcdserverpb.PutRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HashTest extends StoreTestSupport {

  private static void write(MvccStore s, int from, int to) throws MvccException {
    for (int i = from; i < to; i++) {
      try (ApplyBatch b = s.beginApply()) {
        b.put(PutRequest.newBuilder().setKey(bs("k" + (i % 3))).setValue(bs("v" + i)).build());
        b.commit(i + 1, false);
      }
    }
  }

  private static void compact(MvccStore s, long rev) throws MvccException {
    try (ApplyBatch b = s.beginApply()) {
      b.compact(rev);
      b.commit(1000, false);
    }
  }

  @Test
  void identicalStoresHashEqualAndHistoryHashesAreStable() throws Exception {
    try (MvccStore other = MvccStore.open(dir.resolve("other"))) {
      write(store, 0, 10);
      write(other, 0, 10);
      assertEquals(store.hashKV(0), other.hashKV(0));
      assertEquals(store.hash(), other.hash());
      long at6 = store.hashKV(6);
      write(store, 10, 11);
      assertNotEquals(store.hashKV(0), other.hashKV(0));
      assertEquals(at6, store.hashKV(6));
      assertEquals(at6, other.hashKV(6));
      HashKvResult r = store.hashKVResult(0);
      assertEquals(12, r.revision());
      assertEquals(0, r.compactRevision());
    }
  }

  @Test
  void hashKVErrors() throws Exception {
    write(store, 0, 5);
    assertCode(MvccException.Code.FUTURE_REVISION, () -> store.hashKV(7));
    compact(store, 4);
    assertCode(MvccException.Code.COMPACTED, () -> store.hashKV(4));
    assertEquals(4, store.hashKVResult(5).compactRevision());
  }

  @Test
  void unfinishedPhysicalCompactionHashesLikeAFinishedOne() throws Exception {
    CountDownLatch chunk = new CountDownLatch(1);
    Path slowDir = dir.resolve("slow");
    try (MvccStore slow =
        MvccStore.open(
            slowDir,
            new StoreOptions(
                2,
                n -> {
                  chunk.countDown();
                  return false;
                }))) {
      write(store, 0, 20);
      write(slow, 0, 20);
      compact(store, 15);
      compact(slow, 15);
      assertTrue(store.awaitCompaction(Duration.ofSeconds(30)));
      assertTrue(chunk.await(30, TimeUnit.SECONDS));
      assertTrue(slow.revisionRecordCount() > store.revisionRecordCount());
      assertEquals(store.hashKV(0), slow.hashKV(0));
      assertEquals(store.hashKV(18), slow.hashKV(18));
    }
  }
}
