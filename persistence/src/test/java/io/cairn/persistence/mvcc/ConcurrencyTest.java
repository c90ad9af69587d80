package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ConcurrencyTest extends StoreTestSupport {

  /** Each batch sets a and b to the same value; a reader must never see them differ. */
  @Test
  void readersNeverSeeHalfABatch() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Integer>> readers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        readers.add(
            pool.submit(
                () -> {
                  int reads = 0;
                  long lastRev = 0;
                  while (!done.get() || reads < 100) {
                    long rev = store.currentRevision();
                    RangeResponse r =
                        store
                            .range(RangeRequest.newBuilder().setKey(bs("a")).setRangeEnd(bs("c")).build())
                            .build();
                    if (r.getKvsCount() == 2) {
                      assertEquals(r.getKvs(0).getValue(), r.getKvs(1).getValue());
                      assertEquals(r.getKvs(0).getModRevision() + 1, r.getKvs(1).getModRevision());
                    } else {
                      assertEquals(0, r.getKvsCount());
                    }
                    assertTrue(rev >= lastRev);
                    lastRev = rev;
                    reads++;
                  }
                  return reads;
                }));
      }
      for (int i = 0; i < 300; i++) {
        try (ApplyBatch b = store.beginApply()) {
          b.put(PutRequest.newBuilder().setKey(bs("a")).setValue(bs("v" + i)).build());
          b.put(PutRequest.newBuilder().setKey(bs("b")).setValue(bs("v" + i)).build());
          if (i % 50 == 49) {
            b.compact(b.revision() - 10);
          }
          b.commit(i + 1, false);
        }
      }
      done.set(true);
      for (Future<Integer> f : readers) {
        assertTrue(f.get(60, TimeUnit.SECONDS) >= 100);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(601, store.currentRevision());
  }

  @Test
  void defragmentAndSizesWhileWriting() throws Exception {
    for (int i = 0; i < 200; i++) {
      put("k" + (i % 10), "x".repeat(100));
    }
    apply(
        b -> {
          b.compact(b.revision());
          return null;
        });
    assertTrue(store.awaitCompaction(java.time.Duration.ofSeconds(30)));
    store.defragment();
    put("after", "defrag");
    long size = store.dbSizeBytes();
    long inUse = store.dbSizeInUseBytes();
    assertTrue(size > 0);
    assertTrue(inUse > 0 && inUse <= size, inUse + " / " + size);
    assertTrue(inUse < 11 * 200, "in use counts live records only: " + inUse);
  }
}
