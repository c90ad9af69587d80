package io.cairn.raft.snapshot;

import io.cairn.api.raft.InstallSnapshot;
import io.cairn.api.raft.InstallSnapshotResponse;
import io.cairn.api.raft.SnapshotMeta;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The follower's side of a snapshot transfer (Raft §7 InstallSnapshot, receiver steps 2-5): chunks are
 * written in offset order into one temporary file under member/snap; a chunk at another offset than the
 * next expected one (duplicate, reordered, after a loss) is dropped and answered with the expected offset,
 * so the leader resends from there. Offset 0 starts a transfer (replacing any earlier one: at most one
 * file at a time); a chunk of an unknown transfer or larger than the bound is rejected, which makes the
 * leader start over. The chunk with done completes the file; the node then has the member install it.
 *
 * <p>Used by the Raft node's actor only.
 */
public final class SnapshotReceiver {

  /** What to do with a chunk. */
  public sealed interface Outcome {}

  /** Answer the leader with this. */
  public record Reply(InstallSnapshotResponse response) implements Outcome {}

  /** The file is complete: install it, then answer done. */
  public record Complete(Path file, SnapshotMeta meta) implements Outcome {}

  private static final String PREFIX = "from-";

  private final Path dir;
  private final int maxChunkBytes;
  private Transfer current;

  private static final class Transfer {
    final long leaderId;
    final long term;
    final SnapshotMeta meta;
    final Path file;
    final FileChannel channel;
    long nextOffset;

    Transfer(long leaderId, long term, SnapshotMeta meta, Path file, FileChannel channel) {
      this.leaderId = leaderId;
      this.term = term;
      this.meta = meta;
      this.file = file;
      this.channel = channel;
    }

    boolean matches(long leader, long t, SnapshotMeta m) {
      return leaderId == leader && term == t && meta.equals(m);
    }
  }

  /** maxChunkBytes: larger chunks are rejected (the sender uses at most 512 KiB). */
  public SnapshotReceiver(Path snapDir, int maxChunkBytes) {
    this.dir = snapDir;
    this.maxChunkBytes = maxChunkBytes;
    SnapshotFiles.prepare(dir, PREFIX);
  }

  /** The receiver of a member: files under {@code <dataDir>/member/snap}, chunks up to 1 MiB. */
  public static SnapshotReceiver forMember(Path dataDir) {
    return new SnapshotReceiver(SnapshotFiles.snapDir(dataDir), 1 << 20);
  }

  public Outcome onChunk(long leaderId, long term, InstallSnapshot chunk) {
    SnapshotMeta meta = chunk.getMeta();
    if (meta.getIndex() == 0 || chunk.getData().size() > maxChunkBytes) {
      abort();
      return reject();
    }
    if (chunk.getOffset() == 0) {
      // A new transfer, or the leader starting this one over: the previous file goes.
      abort();
      try {
        Path file = SnapshotFiles.file(dir, PREFIX, leaderId, meta.getIndex());
        FileChannel channel = FileChannel.open(file,
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
        current = new Transfer(leaderId, term, meta, file, channel);
      } catch (IOException e) {
        return reject();
      }
    } else if (current == null || !current.matches(leaderId, term, meta)) {
      return reject(); // we know nothing of this transfer (restarted, or already done): start over
    }
    Transfer t = current;
    if (chunk.getOffset() != t.nextOffset) {
      return progress(t.nextOffset); // out of order or duplicate: dropped
    }
    try {
      var data = chunk.getData().asReadOnlyByteBuffer();
      long position = t.nextOffset;
      while (data.hasRemaining()) {
        position += t.channel.write(data, position);
      }
      t.nextOffset = position;
      if (!chunk.getDone()) {
        return progress(t.nextOffset);
      }
      t.channel.close();
      current = null;
      return new Complete(t.file, t.meta);
    } catch (IOException e) {
      abort();
      return reject();
    }
  }

  /** After the install (either way): the file goes. */
  public void finished(Path file) {
    SnapshotFiles.deleteQuietly(file);
  }

  /** Drops the transfer in progress, if any. */
  public void abort() {
    if (current != null) {
      try {
        current.channel.close();
      } catch (IOException ignored) {
        // deleting it anyway
      }
      SnapshotFiles.deleteQuietly(current.file);
      current = null;
    }
  }

  /** The next offset expected of the transfer in progress, -1 without one (tests). */
  long expectedOffset() {
    return current == null ? -1 : current.nextOffset;
  }

  private static Reply progress(long nextOffset) {
    return new Reply(InstallSnapshotResponse.newBuilder().setNextOffset(nextOffset).build());
  }

  private static Reply reject() {
    return new Reply(InstallSnapshotResponse.newBuilder().setRejected(true).build());
  }
}
