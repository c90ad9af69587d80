package io.cairn.grpc.h2;

import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The client-to-server byte stream of one h2c connection, with every :authority stripped of a "scheme://" prefix
 * (see {@link AuthorityFix}). Not thread-safe: one instance per connection, fed in order.
 *
 * <p>Only HEADERS/CONTINUATION frames are buffered (one header block at a time, at most {@link #MAX_HEADER_BLOCK}
 * bytes); every other frame is forwarded as its bytes arrive. Every header block is decoded, because the client's
 * HPACK dynamic table can only be followed by seeing all of them. Blocks are forwarded verbatim until one needs a
 * rewrite; from then on all blocks of the connection are re-encoded (see {@link HeaderBlocks}): entries the client
 * added in a rewritten block never reach the server's table, so later verbatim blocks could refer to entries the
 * server does not have.
 *
 * <p>A connection that does not start with the HTTP/2 preface (HTTP/1.1, h2c upgrade) passes through untouched.
 */
public final class AuthorityRewriter {
  static final ByteString PREFACE = ByteString.fromString("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", StandardCharsets.US_ASCII);
  static final int FRAME_HEADER = 9;
  static final int MAX_HEADER_BLOCK = 1 << 20;
  /** Every peer must accept frames of 16384 bytes (the SETTINGS_MAX_FRAME_SIZE floor), so no need to track it. */
  static final int OUT_FRAME_PAYLOAD = 16384;

  static final int HEADERS = 0x1;
  static final int CONTINUATION = 0x9;
  static final int END_STREAM = 0x1;
  static final int END_HEADERS = 0x4;
  static final int PADDED = 0x8;
  static final int PRIORITY = 0x20;

  private enum Mode { PREFACE, FRAMES, TRANSPARENT }

  private final HeaderBlocks hpack = new HeaderBlocks();
  private Mode mode = Mode.PREFACE;
  private ByteString pending = ByteString.emptyByteString();
  private long passRemaining;
  private boolean reencode;

  // The header block being collected (blockStream == 0: none).
  private int blockStream;
  private boolean blockEndStream;
  private ByteString blockPriority;
  private ByteString blockRaw;
  private ByteString blockFragment;

  /** The bytes to forward for this chunk (possibly empty); throws {@link Http2RewriteException} on a broken peer. */
  public ByteString feed(ByteString chunk) {
    pending = pending.concat(chunk);
    ByteStringBuilder out = new ByteStringBuilder();
    while (step(out)) {
      // each step consumes input or changes mode
    }
    return out.result();
  }

  /** True when it made progress and should run again. */
  private boolean step(ByteStringBuilder out) {
    switch (mode) {
      case TRANSPARENT -> {
        out.append(pending);
        pending = ByteString.emptyByteString();
        return false;
      }
      case PREFACE -> {
        int n = Math.min(pending.size(), PREFACE.size());
        if (!pending.take(n).equals(PREFACE.take(n))) {
          mode = Mode.TRANSPARENT;
          return true;
        }
        if (n < PREFACE.size()) {
          return false;
        }
        out.append(PREFACE);
        pending = pending.drop(n);
        mode = Mode.FRAMES;
        return true;
      }
      default -> {
        return frameStep(out);
      }
    }
  }

  private boolean frameStep(ByteStringBuilder out) {
    if (passRemaining > 0) {
      int n = (int) Math.min(passRemaining, pending.size());
      if (n == 0) {
        return false;
      }
      out.append(pending.take(n));
      pending = pending.drop(n);
      passRemaining -= n;
      return true;
    }
    if (pending.size() < FRAME_HEADER) {
      return false;
    }
    int length = ((pending.apply(0) & 0xff) << 16) | ((pending.apply(1) & 0xff) << 8) | (pending.apply(2) & 0xff);
    int type = pending.apply(3) & 0xff;
    int flags = pending.apply(4) & 0xff;
    int stream = pending.drop(5).asByteBuffer().getInt() & 0x7fffffff;
    if (blockStream != 0 && type != CONTINUATION) {
      throw new Http2RewriteException("frame type " + type + " inside the header block of stream " + blockStream);
    }
    if (type != HEADERS && type != CONTINUATION) {
      out.append(pending.take(FRAME_HEADER));
      pending = pending.drop(FRAME_HEADER);
      passRemaining = length;
      return true;
    }
    long collected = blockStream == 0 ? 0 : blockRaw.size();
    if (collected + FRAME_HEADER + length > MAX_HEADER_BLOCK) {
      throw new Http2RewriteException("header block larger than " + MAX_HEADER_BLOCK + " bytes");
    }
    if (pending.size() < FRAME_HEADER + length) {
      return false;
    }
    ByteString frame = pending.take(FRAME_HEADER + length);
    pending = pending.drop(FRAME_HEADER + length);
    onHeaderFrame(type, flags, stream, frame, out);
    return true;
  }

  private void onHeaderFrame(int type, int flags, int stream, ByteString frame, ByteStringBuilder out) {
    ByteString payload = frame.drop(FRAME_HEADER);
    if (type == HEADERS) {
      if (stream == 0) {
        throw new Http2RewriteException("HEADERS on stream 0");
      }
      int offset = 0;
      int padding = 0;
      if ((flags & PADDED) != 0) {
        if (payload.isEmpty()) {
          throw new Http2RewriteException("PADDED HEADERS without a pad length");
        }
        padding = payload.apply(0) & 0xff;
        offset = 1;
      }
      ByteString priority = null;
      if ((flags & PRIORITY) != 0) {
        priority = payload.slice(offset, offset + 5);
        offset += 5;
      }
      if (offset + padding > payload.size()) {
        throw new Http2RewriteException("HEADERS padding longer than the frame");
      }
      blockStream = stream;
      blockEndStream = (flags & END_STREAM) != 0;
      blockPriority = priority;
      blockRaw = frame;
      blockFragment = payload.slice(offset, payload.size() - padding);
    } else {
      if (blockStream == 0 || stream != blockStream) {
        throw new Http2RewriteException("CONTINUATION on stream " + stream + " without an open header block");
      }
      blockRaw = blockRaw.concat(frame);
      blockFragment = blockFragment.concat(payload);
    }
    if ((flags & END_HEADERS) != 0) {
      completeBlock(out);
    }
  }

  private void completeBlock(ByteStringBuilder out) {
    try {
      List<HeaderBlocks.Field> fields = hpack.decode(blockFragment.toArray());
      List<HeaderBlocks.Field> fixed = new ArrayList<>(fields.size());
      for (HeaderBlocks.Field f : fields) {
        if (f.name().equals(":authority")) {
          String normalized = AuthorityFix.normalize(f.value());
          if (!normalized.equals(f.value())) {
            reencode = true;
            f = new HeaderBlocks.Field(f.name(), normalized, f.sensitive());
          }
        }
        fixed.add(f);
      }
      if (reencode) {
        writeBlock(out, blockStream, blockEndStream, blockPriority, hpack.encode(fixed));
      } else {
        out.append(blockRaw);
      }
    } catch (IOException e) {
      throw new Http2RewriteException("undecodable header block on stream " + blockStream, e);
    } finally {
      blockStream = 0;
      blockPriority = null;
      blockRaw = null;
      blockFragment = null;
    }
  }

  /** HEADERS (keeping END_STREAM and PRIORITY, dropping padding) plus CONTINUATIONs for what does not fit. */
  static void writeBlock(ByteStringBuilder out, int stream, boolean endStream, ByteString priority, byte[] block) {
    int offset = 0;
    boolean first = true;
    do {
      int prefix = first && priority != null ? priority.size() : 0;
      int n = Math.min(OUT_FRAME_PAYLOAD - prefix, block.length - offset);
      boolean last = offset + n == block.length;
      int flags = last ? END_HEADERS : 0;
      if (first) {
        flags |= (endStream ? END_STREAM : 0) | (priority != null ? PRIORITY : 0);
      }
      writeFrameHeader(out, prefix + n, first ? HEADERS : CONTINUATION, flags, stream);
      if (prefix > 0) {
        out.append(priority);
      }
      out.putBytes(block, offset, n);
      offset += n;
      first = false;
    } while (offset < block.length);
  }

  static void writeFrameHeader(ByteStringBuilder out, int length, int type, int flags, int stream) {
    out.putByte((byte) (length >>> 16)).putByte((byte) (length >>> 8)).putByte((byte) length);
    out.putByte((byte) type).putByte((byte) flags);
    out.putByte((byte) (stream >>> 24)).putByte((byte) (stream >>> 16)).putByte((byte) (stream >>> 8)).putByte((byte) stream);
  }
}
