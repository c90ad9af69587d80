package io.cairn.grpc;

import java.io.IOException;
import java.io.OutputStream;

/** Passes bytes on in writes of exactly chunkBytes (the last one shorter), so each becomes one message. */
final class ChunkingOutputStream extends OutputStream {
  private final OutputStream target;
  private final byte[] chunk;
  private int filled;

  ChunkingOutputStream(OutputStream target, int chunkBytes) {
    this.target = target;
    this.chunk = new byte[chunkBytes];
  }

  @Override
  public void write(int b) throws IOException {
    chunk[filled++] = (byte) b;
    if (filled == chunk.length) {
      flushChunk();
    }
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    while (length > 0) {
      int n = Math.min(length, chunk.length - filled);
      System.arraycopy(bytes, offset, chunk, filled, n);
      filled += n;
      offset += n;
      length -= n;
      if (filled == chunk.length) {
        flushChunk();
      }
    }
  }

  /** Sends what is buffered (a short last chunk); an explicit call, as flush() from the writer must not. */
  void flushChunk() throws IOException {
    if (filled > 0) {
      target.write(chunk, 0, filled);
      filled = 0;
    }
  }

  @Override
  public void close() throws IOException {
    target.close();
  }
}
