package io.cairn.raft.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.api.raft.InstallSnapshot;
import io.cairn.api.raft.InstallSnapshotResponse;
import io.cairn.api.raft.SnapshotMeta;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The follower's chunk collection (Raft §7 InstallSnapshot receiver). */
class SnapshotReceiverTest {

  private static final int MAX_CHUNK_BYTES = 16;
  private static final SnapshotMeta META = SnapshotMeta.newBuilder().setIndex(42).setTerm(3).build();

  @TempDir Path dir;

  private static InstallSnapshot chunk(byte[] all, int offset, int length, boolean done) {
    return InstallSnapshot.newBuilder().setMeta(META).setOffset(offset)
        .setData(ByteString.copyFrom(all, offset, length)).setDone(done).build();
  }

  private static InstallSnapshotResponse reply(SnapshotReceiver.Outcome outcome) {
    return assertInstanceOf(SnapshotReceiver.Reply.class, outcome).response();
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7);
    }
    return b;
  }

  @Test
  void collectsChunksInOrderAndDropsDuplicatesAndReordered() throws Exception {
    SnapshotReceiver receiver = new SnapshotReceiver(dir, MAX_CHUNK_BYTES);
    byte[] all = bytes(40);
    assertEquals(16, reply(receiver.onChunk(1, 5, chunk(all, 0, 16, false))).getNextOffset());
    // chunk 32 before 16 (16 was lost): dropped, the receiver still expects 16
    InstallSnapshotResponse gap = reply(receiver.onChunk(1, 5, chunk(all, 32, 8, true)));
    assertEquals(16, gap.getNextOffset());
    assertFalse(gap.getRejected());
    assertEquals(32, reply(receiver.onChunk(1, 5, chunk(all, 16, 16, false))).getNextOffset());
    // a duplicate of chunk 16 (a resend): dropped, still expecting 32
    InstallSnapshotResponse dup = reply(receiver.onChunk(1, 5, chunk(all, 16, 16, false)));
    assertEquals(32, dup.getNextOffset());
    assertFalse(dup.getRejected());
    SnapshotReceiver.Complete done = assertInstanceOf(SnapshotReceiver.Complete.class,
        receiver.onChunk(1, 5, chunk(all, 32, 8, true)));
    assertEquals(META, done.meta());
    assertArrayEquals(all, Files.readAllBytes(done.file()));
    receiver.finished(done.file());
    assertFalse(Files.exists(done.file()));
  }

  @Test
  void rejectsAnOversizedChunkAndAnUnknownTransfer() throws Exception {
    SnapshotReceiver receiver = new SnapshotReceiver(dir, MAX_CHUNK_BYTES);
    byte[] all = bytes(40);
    assertTrue(reply(receiver.onChunk(1, 5, chunk(all, 0, 17, false))).getRejected(), "over the chunk bound");
    assertTrue(reply(receiver.onChunk(1, 5, chunk(all, 16, 16, false))).getRejected(), "no transfer started");
    assertEquals(16, reply(receiver.onChunk(1, 5, chunk(all, 0, 16, false))).getNextOffset());
    // Another leader/term continuing "its" transfer: not ours.
    assertTrue(reply(receiver.onChunk(2, 6, chunk(all, 16, 16, false))).getRejected());
    // A bad chunk aborts the transfer and removes its file: at most one file, none after an abort.
    assertTrue(reply(receiver.onChunk(1, 5, chunk(all, 16, 16, false).toBuilder()
        .setData(ByteString.copyFrom(bytes(20))).build())).getRejected());
    assertEquals(-1, receiver.expectedOffset());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void offsetZeroStartsOverWithOneFileOnly() throws Exception {
    SnapshotReceiver receiver = new SnapshotReceiver(dir, MAX_CHUNK_BYTES);
    byte[] all = bytes(40);
    receiver.onChunk(1, 5, chunk(all, 0, 16, false));
    receiver.onChunk(1, 5, chunk(all, 16, 16, false));
    assertEquals(16, reply(receiver.onChunk(1, 5, chunk(all, 0, 16, false))).getNextOffset());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }
}
