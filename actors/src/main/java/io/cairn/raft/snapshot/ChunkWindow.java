package io.cairn.raft.snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Flow control of one snapshot transfer: at most windowChunks chunks of chunkBytes in flight beyond what
 * the follower acknowledged (its next_offset), go-back-N on a gap hint or when nothing moved for
 * resendTicks heartbeat ticks, and a failure after maxResends resends without progress or after
 * installTicks waiting for the follower's done once every byte is acknowledged. Pure state: no I/O.
 */
final class ChunkWindow {

  private final long totalBytes;
  private final int chunkBytes;
  private final int windowChunks;
  private final int resendTicks;
  private final int maxResends;
  private final int installTicks;

  /** Everything below was stored by the follower. */
  private long ackedOffset;
  /** The next chunk to send. */
  private long nextOffset;
  private int idleTicks;
  private int resends;
  /** The offset the last gap hint rewound to: the same hint again (the rest of the window) is ignored. */
  private long rewoundTo = -1;

  ChunkWindow(long totalBytes, StoreSnapshotSender.Settings settings) {
    if (totalBytes < 1) {
      throw new IllegalArgumentException("empty snapshot");
    }
    this.totalBytes = totalBytes;
    this.chunkBytes = settings.chunkBytes();
    this.windowChunks = settings.windowChunks();
    this.resendTicks = settings.resendTicks();
    this.maxResends = settings.maxResends();
    this.installTicks = settings.installTicks();
  }

  /** The offsets of the chunks to send now, in order (the window is then full). */
  List<Long> take() {
    List<Long> offsets = new ArrayList<>();
    while (nextOffset < totalBytes && nextOffset - ackedOffset < (long) windowChunks * chunkBytes) {
      offsets.add(nextOffset);
      nextOffset += length(nextOffset);
    }
    return offsets;
  }

  int length(long offset) {
    return (int) Math.min(chunkBytes, totalBytes - offset);
  }

  boolean isLast(long offset) {
    return offset + length(offset) >= totalBytes;
  }

  /** The follower stored everything below nextExpected. */
  void acknowledge(long nextExpected) {
    if (nextExpected > ackedOffset) {
      ackedOffset = Math.min(nextExpected, totalBytes);
      nextOffset = Math.max(nextOffset, ackedOffset);
      idleTicks = 0;
      resends = 0;
      rewoundTo = -1;
    } else if (nextExpected == ackedOffset && nextOffset > ackedOffset && rewoundTo != ackedOffset) {
      // A gap: the follower dropped a chunk after a lost one. Go back once; a timeout covers the rest.
      nextOffset = ackedOffset;
      rewoundTo = ackedOffset;
    }
  }

  /** One tick passed; false when the transfer should be abandoned. */
  boolean tick() {
    idleTicks++;
    if (allAcknowledged()) {
      return idleTicks < installTicks; // the follower is installing; its done answer may be lost
    }
    if (idleTicks >= resendTicks) {
      idleTicks = 0;
      if (++resends > maxResends) {
        return false;
      }
      nextOffset = ackedOffset; // timeout: resend the whole window
      rewoundTo = ackedOffset;
    }
    return true;
  }

  boolean allAcknowledged() {
    return ackedOffset >= totalBytes;
  }

  long ackedOffset() {
    return ackedOffset;
  }

  long nextOffset() {
    return nextOffset;
  }
}
