package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.etcdserverpb.RangeRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SnapshotTest extends StoreTestSupport {

  @BeforeEach
  void fill() throws Exception {
    apply(
        b -> {
          b.leaseGrant(3, 60);
          b.putMeta("members", new byte[] {9});
          return null;
        });
    put("a", "1", 3);
    put("b", "2");
    put("a", "3", 3);
    delete("b", "");
  }

  private byte[] snapshot() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.writeSnapshot(out);
    return out.toByteArray();
  }

  /** The copy has the store's revisions, keys (now and at revision 3) and leases. */
  private void assertSameKeySpace(MvccStore copy) throws Exception {
    assertEquals(store.currentRevision(), copy.currentRevision());
    assertEquals(store.hashKV(0), copy.hashKV(0));
    RangeRequest all = RangeRequest.newBuilder().setKey(bs("\0")).setRangeEnd(bs("\0")).build();
    assertEquals(store.range(all).build(), copy.range(all).build());
    assertEquals(
        store.range(all.toBuilder().setRevision(3).build()).build(),
        copy.range(all.toBuilder().setRevision(3).build()).build());
    assertEquals(store.leases(), copy.leases());
  }

  @Test
  void roundTrip() throws Exception {
    byte[] snap = snapshot();
    assertTrue(new String(snap, 0, 10, java.nio.charset.StandardCharsets.US_ASCII).equals("CAIRNSNAP1"));
    Path restored = dir.resolve("restored");
    MvccStore.restoreSnapshot(new ByteArrayInputStream(snap), restored);
    try (MvccStore copy = MvccStore.open(restored)) {
      assertSameKeySpace(copy);
      assertEquals(store.appliedIndex(), copy.appliedIndex());
      assertEquals(store.hash(), copy.hash());
      assertEquals(9, copy.meta("members").orElseThrow()[0]);
    }
  }

  @Test
  void statusDescribesTheFile() throws Exception {
    Path file = dir.resolve("snap.db");
    Files.write(file, snapshot());
    SnapshotInfo info = MvccStore.snapshotStatus(file);
    assertEquals(5, info.revision());
    assertEquals(Files.size(file), info.totalSize());
    // 4 revision records, 1 lease, 1 member meta, applied index + current revision
    assertEquals(8, info.totalKeys());
    assertEquals(info, MvccStore.snapshotStatus(file));
  }

  @Test
  void corruptSnapshotIsRefused() throws Exception {
    byte[] snap = snapshot();
    snap[snap.length / 2] ^= 0x40;
    Path target = dir.resolve("bad");
    IOException e =
        assertThrows(
            IOException.class,
            () -> MvccStore.restoreSnapshot(new ByteArrayInputStream(snap), target));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    assertFalse(Files.exists(target));
    try (var siblings = Files.list(dir)) {
      assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith("bad")));
    }
    Path file = dir.resolve("bad.snap");
    Files.write(file, snap);
    assertThrows(IOException.class, () -> MvccStore.snapshotStatus(file));
  }

  @Test
  void truncatedSnapshotIsRefused() throws Exception {
    byte[] snap = snapshot();
    for (int cut : new int[] {5, snap.length / 2, snap.length - 1}) {
      Path target = dir.resolve("cut" + cut);
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  MvccStore.restoreSnapshot(
                      new ByteArrayInputStream(Arrays.copyOf(snap, cut)), target));
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
      assertFalse(Files.exists(target));
    }
  }

  @Test
  void corruptLengthIsRefusedWithoutAHugeAllocation() throws Exception {
    byte[] snap = snapshot();
    // the first record's key length, right after the magic header
    java.nio.ByteBuffer.wrap(snap, 10, 4).putInt(0x3fff0000);
    IOException e =
        assertThrows(
            IOException.class,
            () -> MvccStore.restoreSnapshot(new ByteArrayInputStream(snap), dir.resolve("len")));
    assertTrue(e.getMessage().startsWith("snapshot"), e.getMessage());
    java.nio.ByteBuffer.wrap(snap, 10, 4).putInt(-7);
    e =
        assertThrows(
            IOException.class,
            () -> MvccStore.restoreSnapshot(new ByteArrayInputStream(snap), dir.resolve("len")));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    byte[] notSnap = "hello world, not a snapshot".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    e =
        assertThrows(
            IOException.class,
            () -> MvccStore.restoreSnapshot(new ByteArrayInputStream(notSnap), dir.resolve("len")));
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
  }

  @Test
  void restoreRefusesANonEmptyDirectory() throws Exception {
    byte[] snap = snapshot();
    Path target = dir.resolve("busy");
    Files.createDirectories(target);
    Files.writeString(target.resolve("x"), "x");
    assertThrows(
        IOException.class, () -> MvccStore.restoreSnapshot(new ByteArrayInputStream(snap), target));
  }

  @Test
  void restoreForNewClusterKeepsTheKeySpaceAndDropsTheOldIdentity() throws Exception {
    byte[] snap = snapshot();
    Path restored = dir.resolve("new-cluster");
    MvccStore.restoreForNewCluster(new ByteArrayInputStream(snap), restored, true);
    try (MvccStore copy = MvccStore.open(restored)) {
      assertSameKeySpace(copy);
      assertTrue(store.appliedIndex() > 0);
      assertEquals(0, copy.appliedIndex(), "the new cluster's Raft log starts empty");
      assertTrue(copy.meta("members").isEmpty(), "member meta of the old cluster is dropped");
    }
  }

  @Test
  void skipHashCheckToleratesOnlyTheDigest() throws Exception {
    byte[] snap = snapshot();
    byte[] badDigest = snap.clone();
    badDigest[badDigest.length - 1] ^= 0x01;
    IOException e =
        assertThrows(
            IOException.class,
            () -> MvccStore.restoreForNewCluster(new ByteArrayInputStream(badDigest), dir.resolve("d1"), true));
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    MvccStore.restoreForNewCluster(new ByteArrayInputStream(badDigest), dir.resolve("d2"), false);
    try (MvccStore copy = MvccStore.open(dir.resolve("d2"))) {
      assertEquals(store.hashKV(0), copy.hashKV(0));
    }
    IOException cut =
        assertThrows(
            IOException.class,
            () ->
                MvccStore.restoreForNewCluster(
                    new ByteArrayInputStream(Arrays.copyOf(snap, snap.length - 40)), dir.resolve("d3"), false));
    assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
    assertFalse(Files.exists(dir.resolve("d3")));
  }

  @Test
  void anEtcdSnapshotIsRecognizedAndRefused() throws Exception {
    byte[] bolt = new byte[4096]; // a bbolt meta page: 16-byte page header, then magic 0xED0CDAED little-endian
    bolt[16] = (byte) 0xED;
    bolt[17] = (byte) 0xDA;
    bolt[18] = (byte) 0x0C;
    bolt[19] = (byte) 0xED;
    Path file = dir.resolve("etcd.db");
    Files.write(file, bolt);
    IOException e = assertThrows(IOException.class, () -> MvccStore.snapshotStatus(file));
    assertTrue(e.getMessage().contains("etcd (bbolt) snapshot"), e.getMessage());
  }
}
