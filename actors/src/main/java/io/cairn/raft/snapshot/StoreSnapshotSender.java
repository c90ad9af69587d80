package io.cairn.raft.snapshot;

import com.google.protobuf.ByteString;
import io.cairn.api.raft.InstallSnapshot;
import io.cairn.api.raft.InstallSnapshotResponse;
import io.cairn.api.raft.SnapshotMeta;
import io.cairn.raft.node.SnapshotLink;
import io.cairn.raft.node.SnapshotSender;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's side of Raft §7 for the MVCC store (etcd's snapshot sender): the store's snapshot stream is
 * written to a temporary file under member/snap (on the blocking executor, never in memory), then sent in
 * InstallSnapshot chunks of at most chunkBytes with a window of chunks in flight ({@link ChunkWindow});
 * when the follower answers done, the leader learns it is at meta.index and replication resumes after it.
 *
 * <p>Disk use is bounded: one transfer (one file) per follower; a new request for a follower whose file
 * is still being written joins that write; files are deleted when the transfer ends either way, and stale
 * ones at start. The meta's index is the applied index the snapshot contains; its term comes from the
 * leader's log ({@link SnapshotLink#termAt}). All state is touched on the Raft node's actor only.
 */
public final class StoreSnapshotSender implements SnapshotSender {

  private static final Logger LOG = LoggerFactory.getLogger(StoreSnapshotSender.class);
  private static final String PREFIX = "to-";

  /** Writes the whole store as a snapshot stream and returns the applied index it contains. */
  @FunctionalInterface
  public interface SnapshotSource {
    long writeSnapshot(OutputStream out) throws IOException;
  }

  /**
   * @param chunkBytes data bytes per InstallSnapshot (Raft messages must stay below ~1 MiB)
   * @param windowChunks chunks in flight beyond the follower's acknowledged offset
   * @param resendTicks heartbeat ticks without progress before the window is sent again
   * @param maxResends resends without progress before the transfer fails
   * @param installTicks ticks to wait for the follower's done once it has every byte
   */
  public record Settings(int chunkBytes, int windowChunks, int resendTicks, int maxResends, int installTicks) {
    /** 512 KiB chunks, 4 in flight; resend after 5 ticks (500 ms); give up after 10 resends or ~5 min of install. */
    public static final Settings DEFAULT = new Settings(512 * 1024, 4, 5, 10, 3000);

    public Settings {
      if (chunkBytes < 1 || chunkBytes > 512 * 1024 || windowChunks < 1 || resendTicks < 1 || maxResends < 0
          || installTicks < 1) {
        throw new IllegalArgumentException("invalid snapshot sender settings");
      }
    }
  }

  private final SnapshotSource source;
  private final Path dir;
  private final Executor blocking;
  private final Settings settings;
  private final Map<Long, Transfer> transfers = new HashMap<>();

  private static final class Transfer {
    SnapshotLink link;
    final Path file;
    SnapshotMeta meta;
    FileChannel channel;
    ChunkWindow window;
    boolean ended;

    Transfer(SnapshotLink link, Path file) {
      this.link = link;
      this.file = file;
    }

    boolean streaming() {
      return window != null && !ended;
    }
  }

  public StoreSnapshotSender(SnapshotSource source, Path snapDir, Executor blocking, Settings settings) {
    this.source = source;
    this.dir = snapDir;
    this.blocking = blocking;
    this.settings = settings;
    SnapshotFiles.prepare(dir, PREFIX);
  }

  /** The sender of a member: files under {@code <dataDir>/member/snap}, default settings. */
  public static StoreSnapshotSender forMember(Path dataDir, SnapshotSource source, Executor blocking) {
    return new StoreSnapshotSender(source, SnapshotFiles.snapDir(dataDir), blocking, Settings.DEFAULT);
  }

  @Override
  public void sendSnapshot(SnapshotLink link) {
    Transfer existing = transfers.get(link.followerId());
    if (existing != null && !existing.ended && existing.window == null) {
      existing.link = link; // its file is still being written: the new request joins it
      return;
    }
    end(existing);
    Transfer t = new Transfer(link, SnapshotFiles.file(dir, PREFIX, link.followerId(), 0));
    transfers.put(link.followerId(), t);
    LOG.info("writing a snapshot for follower {}", Long.toHexString(link.followerId()));
    CompletableFuture.supplyAsync(() -> writeFile(t.file), blocking)
        .whenComplete((applied, error) -> t.link.runOnNode(() -> prepared(t, applied, error)));
  }

  private long writeFile(Path file) {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file,
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
      return source.writeSnapshot(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** On the node: the file is written; start streaming it. */
  private void prepared(Transfer t, Long appliedIndex, Throwable error) {
    if (t.ended || transfers.get(t.link.followerId()) != t) {
      SnapshotFiles.deleteQuietly(t.file);
      return;
    }
    if (error != null) {
      fail(t, "writing the snapshot failed: " + error);
      return;
    }
    long term = t.link.termAt(appliedIndex);
    if (appliedIndex == 0 || term < 0) {
      fail(t, "no term known for applied index " + appliedIndex);
      return;
    }
    try {
      t.meta = SnapshotMeta.newBuilder()
          .setIndex(appliedIndex).setTerm(term).setConfState(t.link.confState()).build();
      t.channel = FileChannel.open(t.file, StandardOpenOption.READ);
      t.window = new ChunkWindow(t.channel.size(), settings);
      LOG.info("sending snapshot at index {} ({} bytes) to follower {}",
          appliedIndex, t.channel.size(), Long.toHexString(t.link.followerId()));
      pump(t);
    } catch (IOException | RuntimeException e) {
      fail(t, "opening the snapshot failed: " + e);
    }
  }

  /** Sends what the window allows. */
  private void pump(Transfer t) {
    try {
      for (long offset : t.window.take()) {
        ByteBuffer data = ByteBuffer.allocate(t.window.length(offset));
        while (data.hasRemaining()) {
          if (t.channel.read(data, offset + data.position()) < 0) {
            throw new IOException("snapshot file shorter than expected");
          }
        }
        data.flip();
        t.link.send(InstallSnapshot.newBuilder().setMeta(t.meta).setOffset(offset)
            .setData(ByteString.copyFrom(data)).setDone(t.window.isLast(offset)).build());
      }
    } catch (IOException e) {
      fail(t, "reading the snapshot failed: " + e);
    }
  }

  @Override
  public void onResponse(long followerId, InstallSnapshotResponse response) {
    Transfer t = transfers.get(followerId);
    if (t == null || !t.streaming()) {
      return;
    }
    if (response.getDone()) {
      end(t);
      LOG.info("follower {} installed the snapshot at index {}", Long.toHexString(followerId),
          response.getMatchIndex());
      t.link.done(response.getMatchIndex());
    } else if (response.getRejected()) {
      fail(t, "the follower rejected the transfer");
    } else {
      t.window.acknowledge(response.getNextOffset());
      pump(t);
    }
  }

  @Override
  public void onTick() {
    for (Transfer t : new ArrayList<>(transfers.values())) {
      if (t.streaming()) {
        if (t.window.tick()) {
          pump(t);
        } else {
          fail(t, "no progress from the follower");
        }
      }
    }
  }

  @Override
  public void abortAll() {
    List<Transfer> all = new ArrayList<>(transfers.values());
    all.forEach(this::end);
  }

  /** Transfers in progress (tests: bounded disk use). */
  int transferCount() {
    return transfers.size();
  }

  private void fail(Transfer t, String reason) {
    end(t);
    LOG.warn("snapshot to follower {} failed: {}", Long.toHexString(t.link.followerId()), reason);
    t.link.failed(reason);
  }

  private void end(Transfer t) {
    if (t == null || t.ended) {
      return;
    }
    t.ended = true;
    transfers.remove(t.link.followerId(), t);
    if (t.channel != null) {
      try {
        t.channel.close();
      } catch (IOException ignored) {
        // deleting it anyway
      }
    }
    if (t.window != null) {
      SnapshotFiles.deleteQuietly(t.file); // else the write in progress deletes it when it ends
    }
  }
}
