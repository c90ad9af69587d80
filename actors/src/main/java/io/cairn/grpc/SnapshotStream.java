package io.cairn.grpc;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.StreamConverters;
import akka.util.ByteString;
import io.cairn.api.etcdserverpb.SnapshotResponse;
import io.cairn.persistence.mvcc.MvccStore;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Maintenance.Snapshot as etcd 3.4 sends it (v3rpc/maintenance.go): messages of exactly 32 KiB except the
 * last, remaining_bytes decreasing to 0 on the last. The store writes on a blocking thread into a bounded pipe
 * (the writer blocks while the client is slow, failing after {@link #WRITE_TIMEOUT}).
 *
 * <p>etcd knows the snapshot size up front; the store streams, so remaining_bytes counts down from the store's
 * size on disk, never below 1 before the last message, which carries 0 (found by one message of lookahead).
 * The store's own trailing checksum plays the part of etcd's final sha256 message.
 */
final class SnapshotStream {
  /** etcd's snapshotSendBufferSize. */
  static final int CHUNK_BYTES = 32 * 1024;

  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);
  private static final ByteString END = ByteString.emptyByteString();

  private SnapshotStream() {}

  static Source<SnapshotResponse, NotUsed> of(MvccStore store, Executor blockingExecutor) {
    return Source.lazySource(() -> start(store, blockingExecutor))
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
  }

  private static Source<SnapshotResponse, NotUsed> start(MvccStore store, Executor blockingExecutor) {
    long estimatedTotalBytes = store.dbSizeBytes();
    CompletableFuture<Boolean> writerDone = new CompletableFuture<>();
    Source<ByteString, NotUsed> chunks =
        StreamConverters.asOutputStream(WRITE_TIMEOUT)
            .mapMaterializedValue(
                pipe -> {
                  blockingExecutor.execute(() -> write(store, pipe, writerDone));
                  return NotUsed.getInstance();
                });
    // Fails the stream when the writer failed: closing the pipe alone would look like a complete snapshot.
    Source<ByteString, NotUsed> writerOutcome =
        Source.completionStage(writerDone).filter(ok -> false).map(ok -> END);
    return chunks
        .concat(writerOutcome)
        .concat(Source.single(END))
        .statefulMapConcat(() -> new Numbering(estimatedTotalBytes)::next);
  }

  private static void write(MvccStore store, OutputStream pipe, CompletableFuture<Boolean> writerDone) {
    try (ChunkingOutputStream out = new ChunkingOutputStream(pipe, CHUNK_BYTES)) {
      store.writeSnapshot(out);
      out.flushChunk();
      writerDone.complete(true);
    } catch (IOException | RuntimeException e) {
      writerDone.completeExceptionally(e);
    }
  }

  /** Holds one chunk back so the last one can say remaining_bytes 0. */
  private static final class Numbering {
    private final long estimatedTotalBytes;
    private long sentBytes;
    private ByteString held;

    Numbering(long estimatedTotalBytes) {
      this.estimatedTotalBytes = estimatedTotalBytes;
    }

    Iterable<SnapshotResponse> next(ByteString chunk) {
      List<SnapshotResponse> out = new ArrayList<>(1);
      if (chunk.isEmpty()) {
        if (held != null) {
          out.add(response(held, 0));
          held = null;
        }
        return out;
      }
      if (held != null) {
        sentBytes += held.size();
        out.add(response(held, Math.max(estimatedTotalBytes - sentBytes, 1)));
      }
      held = chunk;
      return out;
    }

    private static SnapshotResponse response(ByteString blob, long remainingBytes) {
      return SnapshotResponse.newBuilder()
          .setRemainingBytes(remainingBytes)
          .setBlob(com.google.protobuf.ByteString.copyFrom(blob.asByteBuffer()))
          .build();
    }
  }
}
