package io.cairn.raft.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.raft.ConfState;
import io.cairn.api.raft.InstallSnapshot;
import io.cairn.api.raft.InstallSnapshotResponse;
import io.cairn.raft.node.SnapshotLink;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunking, window and resends of the leader's snapshot sender; everything inline, no actors. */
class StoreSnapshotSenderTest {

  private static final int CHUNK_BYTES = 100;
  private static final int WINDOW_CHUNKS = 4;
  private static final int RESEND_TICKS = 3;
  private static final int MAX_RESENDS = 2;
  private static final long APPLIED_INDEX = 77;
  private static final byte[] SNAPSHOT = new byte[1050]; // 11 chunks, the last one 50 bytes

  static {
    for (int i = 0; i < SNAPSHOT.length; i++) {
      SNAPSHOT[i] = (byte) i;
    }
  }

  @TempDir Path dir;

  /** A leader link that runs node tasks inline and records what the sender did. */
  private static final class RecordingLink implements SnapshotLink {
    final List<InstallSnapshot> sent = new ArrayList<>();
    long doneAt = -1;
    String failure;

    @Override
    public long followerId() {
      return 3;
    }

    @Override
    public long term() {
      return 2;
    }

    @Override
    public void runOnNode(Runnable task) {
      task.run();
    }

    @Override
    public long termAt(long index) {
      return index == APPLIED_INDEX ? 2 : -1;
    }

    @Override
    public ConfState confState() {
      return ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();
    }

    @Override
    public void send(InstallSnapshot chunk) {
      sent.add(chunk);
    }

    @Override
    public void done(long matchIndex) {
      doneAt = matchIndex;
    }

    @Override
    public void failed(String reason) {
      failure = reason;
    }

    List<Long> offsets() {
      return sent.stream().map(InstallSnapshot::getOffset).toList();
    }
  }

  private StoreSnapshotSender sender() {
    return new StoreSnapshotSender(out -> {
      out.write(SNAPSHOT);
      return APPLIED_INDEX;
    }, dir, Runnable::run, new StoreSnapshotSender.Settings(CHUNK_BYTES, WINDOW_CHUNKS, RESEND_TICKS, MAX_RESENDS, 5));
  }

  private static InstallSnapshotResponse next(long offset) {
    return InstallSnapshotResponse.newBuilder().setNextOffset(offset).build();
  }

  private long filesInDir() throws Exception {
    try (var files = Files.list(dir)) {
      return files.count();
    }
  }

  @Test
  void sendsAWindowOfChunksThenMoreAsTheFollowerAcknowledges() throws Exception {
    StoreSnapshotSender sender = sender();
    RecordingLink link = new RecordingLink();
    sender.sendSnapshot(link);
    assertEquals(List.of(0L, 100L, 200L, 300L), link.offsets(), "one window of chunks");
    assertEquals(APPLIED_INDEX, link.sent.get(0).getMeta().getIndex());
    assertEquals(2, link.sent.get(0).getMeta().getTerm());
    assertEquals(1, filesInDir());

    sender.onResponse(3, next(200));
    assertEquals(List.of(0L, 100L, 200L, 300L, 400L, 500L), link.offsets());
    sender.onResponse(3, next(100)); // stale: nothing
    assertEquals(6, link.sent.size());
    for (long acked = 300; acked <= 1050; acked += 100) {
      sender.onResponse(3, next(Math.min(acked, 1050)));
    }
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    for (InstallSnapshot chunk : link.sent) {
      assertTrue(chunk.getData().size() <= CHUNK_BYTES);
      received.write(chunk.getData().toByteArray());
    }
    assertArrayEquals(SNAPSHOT, received.toByteArray());
    assertTrue(link.sent.get(link.sent.size() - 1).getDone());
    assertEquals(1, link.sent.stream().filter(InstallSnapshot::getDone).count());

    sender.onResponse(3, InstallSnapshotResponse.newBuilder().setDone(true).setMatchIndex(APPLIED_INDEX).build());
    assertEquals(APPLIED_INDEX, link.doneAt);
    assertEquals(0, sender.transferCount());
    assertEquals(0, filesInDir(), "the temporary file is gone");
  }

  @Test
  void goesBackOnAGapHintAndResendsOnTimeout() throws Exception {
    StoreSnapshotSender sender = sender();
    RecordingLink link = new RecordingLink();
    sender.sendSnapshot(link);
    // chunk 100 was lost: the follower acks 0 and hints 100 for chunks 200 and 300
    sender.onResponse(3, next(100));
    sender.onResponse(3, next(100));
    sender.onResponse(3, next(100));
    assertEquals(List.of(0L, 100L, 200L, 300L, 400L, 100L, 200L, 300L, 400L), link.offsets(),
        "one go-back to 100, the repeated hint ignored");
    // Now everything is lost: after RESEND_TICKS ticks the window goes again.
    link.sent.clear();
    for (int i = 0; i < RESEND_TICKS - 1; i++) {
      sender.onTick();
    }
    assertTrue(link.sent.isEmpty());
    sender.onTick();
    assertEquals(List.of(100L, 200L, 300L, 400L), link.offsets());
  }

  @Test
  void failsAfterTooManyResendsAndCleansUp() throws Exception {
    StoreSnapshotSender sender = sender();
    RecordingLink link = new RecordingLink();
    sender.sendSnapshot(link);
    for (int i = 0; i < RESEND_TICKS * (MAX_RESENDS + 1) && link.failure == null; i++) {
      sender.onTick();
    }
    assertTrue(link.failure != null, "gave up");
    assertEquals(0, sender.transferCount());
    assertEquals(0, filesInDir());
  }

  @Test
  void rejectionFailsAndARestartKeepsOneFilePerFollower() throws Exception {
    StoreSnapshotSender sender = sender();
    RecordingLink first = new RecordingLink();
    sender.sendSnapshot(first);
    RecordingLink second = new RecordingLink();
    sender.sendSnapshot(second); // the leader asks again: the first transfer ends
    assertEquals(1, sender.transferCount());
    assertEquals(1, filesInDir());
    sender.onResponse(3, InstallSnapshotResponse.newBuilder().setRejected(true).build());
    assertFalse(second.failure == null);
    assertEquals(0, filesInDir());
  }
}
