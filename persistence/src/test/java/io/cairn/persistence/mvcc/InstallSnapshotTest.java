package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.mvccpb.KeyValue;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link MvccStore#installSnapshot}: Raft §7 on a follower, the whole store replaced in place. */
class InstallSnapshotTest extends StoreTestSupport {

  private static final RangeRequest ALL =
      RangeRequest.newBuilder().setKey(bs("\0")).setRangeEnd(bs("\0")).build();

  /** A leader's store with its own history, snapshotted to a file; returns the snapshot's applied index. */
  private long leaderSnapshot(Path file, int keys, String value) throws Exception {
    try (MvccStore leader = MvccStore.open(dir.resolve("leader-" + value))) {
      long index = 100;
      try (ApplyBatch b = leader.beginApply()) {
        b.leaseGrant(7, 60);
        for (int i = 0; i < keys; i++) {
          b.put(io.cairn.api.etcdserverpb.PutRequest.newBuilder()
              .setKey(bs(String.format("k%03d", i))).setValue(bs(value)).setLease(i == 0 ? 7 : 0).build());
        }
        b.commit(index, false);
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        long applied = leader.writeSnapshot(out);
        assertEquals(index, applied, "writeSnapshot tells the applied index it contains");
      }
      return index;
    }
  }

  @Test
  void writeSnapshotReturnsTheAppliedIndex() throws Exception {
    put("a", "1");
    put("b", "2");
    assertEquals(2, store.writeSnapshot(OutputStream.nullOutputStream()));
  }

  @Test
  void installReplacesTheWholeStore() throws Exception {
    put("mine", "x");
    put("k000", "old");
    Path file = dir.resolve("snap.db");
    long index = leaderSnapshot(file, 5, "new");

    store.installSnapshot(file);

    assertEquals(index, store.appliedIndex());
    assertEquals(6, store.currentRevision()); // 1 + five puts in one batch... one revision each
    RangeResponse all = store.range(ALL).build();
    assertEquals(5, all.getKvsCount());
    assertTrue(all.getKvsList().stream().allMatch(kv -> str(kv.getValue()).equals("new")));
    assertTrue(get("mine").isEmpty(), "the follower's own keys are gone");
    assertEquals(Set.of(7L), store.leases().keySet());
    assertEquals(Set.of(bs("k000")), Set.copyOf(store.lease(7).orElseThrow().keys()));
    assertFalse(Files.exists(StoreSwap.staged(dir.resolve("db"))));
    assertFalse(Files.exists(StoreSwap.old(dir.resolve("db"))));

    // Applying goes on from the snapshot, and everything survives a reopen.
    raftIndex = index;
    long rev = put("after", "y");
    assertEquals(7, rev);
    reopen();
    assertEquals(index + 1, store.appliedIndex());
    assertEquals(6, store.range(ALL).build().getKvsCount());
  }

  @Test
  void corruptOrTruncatedSnapshotIsRefusedAndTheStoreStaysAsItWas() throws Exception {
    put("mine", "x");
    long hashBefore = store.hash();
    Path file = dir.resolve("snap.db");
    leaderSnapshot(file, 3, "new");
    byte[] good = Files.readAllBytes(file);

    byte[] corrupt = good.clone();
    corrupt[corrupt.length / 2] ^= 0x5a;
    Path corruptFile = dir.resolve("corrupt.db");
    Files.write(corruptFile, corrupt);
    Path truncatedFile = dir.resolve("truncated.db");
    Files.write(truncatedFile, Arrays.copyOf(good, good.length - 40));

    for (Path bad : new Path[] {corruptFile, truncatedFile}) {
      IOException e = assertThrows(IOException.class, () -> store.installSnapshot(bad));
      assertTrue(e.getMessage().contains("corrupt") || e.getMessage().contains("truncated"), e.getMessage());
      assertEquals(1, store.appliedIndex());
      assertEquals(hashBefore, store.hash());
      assertEquals("x", str(get("mine").orElseThrow().getValue()));
      assertFalse(Files.exists(StoreSwap.staged(dir.resolve("db"))));
    }
    put("still", "usable");
    assertEquals(2, store.appliedIndex());
  }

  @Test
  void readersSeeTheOldOrTheNewStoreNeverAMix() throws Exception {
    apply(b -> {
      for (int i = 0; i < 50; i++) {
        b.put(io.cairn.api.etcdserverpb.PutRequest.newBuilder()
            .setKey(bs(String.format("k%03d", i))).setValue(bs("old")).build());
      }
      return null;
    });
    Path file = dir.resolve("snap.db");
    leaderSnapshot(file, 50, "new");

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      // Keeps reading until the install is done and at least a few reads saw the result.
      while (!stop.get() || reads.get() < 3) {
        try {
          RangeResponse r = store.range(ALL).build();
          Set<String> values = new HashSet<>();
          for (KeyValue kv : r.getKvsList()) {
            values.add(str(kv.getValue()));
          }
          assertEquals(50, r.getKvsCount());
          assertEquals(1, values.size(), "one store's content per read: " + values);
          seen.addAll(values);
          store.leases();
          store.currentRevision();
          reads.incrementAndGet();
        } catch (MvccException e) {
          throw new AssertionError(e);
        }
      }
    });
    store.installSnapshot(file);
    reads.set(0);
    stop.set(true);
    reader.get(30, TimeUnit.SECONDS);
    assertTrue(seen.contains("new"));
    assertEquals(100, store.appliedIndex());
  }

  @Test
  void openFinishesASwapInterruptedAfterTheOldDirectoryMovedAway() throws Exception {
    put("mine", "x");
    Path file = dir.resolve("snap.db");
    leaderSnapshot(file, 2, "new");
    store.close();
    store = null;
    Path db = dir.resolve("db");
    // A crash between the two renames: the verified copy is staged, the old store moved aside.
    try (var in = Files.newInputStream(file)) {
      MvccStore.restoreSnapshot(in, StoreSwap.staged(db));
    }
    Files.move(db, StoreSwap.old(db));

    store = MvccStore.open(db);
    assertEquals(100, store.appliedIndex());
    assertEquals(2, store.range(ALL).build().getKvsCount());
    assertFalse(Files.exists(StoreSwap.old(db)));
  }

  @Test
  void openDropsAnInterruptedStagedCopy() throws Exception {
    put("mine", "x");
    store.close();
    store = null;
    Path db = dir.resolve("db");
    Files.createDirectories(StoreSwap.staged(db));
    Files.write(StoreSwap.staged(db).resolve("partial"), new byte[] {1});
    store = MvccStore.open(db);
    assertEquals(1, store.appliedIndex());
    assertFalse(Files.exists(StoreSwap.staged(db)));
  }
}
