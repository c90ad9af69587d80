package io.cairn.grpc.h2;

import akka.http.shaded.com.twitter.hpack.Decoder;
import akka.http.shaded.com.twitter.hpack.Encoder;
import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Test side of the wire: a client that HPACK-encodes with a dynamic table, and a server that decodes what comes out. */
final class H2Frames {
  private H2Frames() {}

  record Frame(int type, int flags, int stream, ByteString payload) {}

  /** A decoded request header block as the server sees it, with the flags of its HEADERS frame. */
  record Block(int stream, int flags, ByteString priority, List<String> headers) {}

  /** The client's encoder: with indexing, so later blocks refer to its dynamic table. */
  static final class Client {
    final Encoder encoder = new Encoder(4096);

    byte[] block(String... nameValues) {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < nameValues.length; i += 2) {
          encoder.encodeHeader(out, nameValues[i], nameValues[i + 1], false);
        }
        return out.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static ByteString frame(int type, int flags, int stream, ByteString payload) {
    ByteStringBuilder b = new ByteStringBuilder();
    AuthorityRewriter.writeFrameHeader(b, payload.size(), type, flags, stream);
    return b.append(payload).result();
  }

  static ByteString frame(int type, int flags, int stream, byte[] payload) {
    return frame(type, flags, stream, ByteString.fromArray(payload));
  }

  /** Splits a server-bound byte stream (after the preface) into frames; fails on a trailing partial frame. */
  static List<Frame> frames(ByteString bytes) {
    List<Frame> frames = new ArrayList<>();
    while (!bytes.isEmpty()) {
      int length = ((bytes.apply(0) & 0xff) << 16) | ((bytes.apply(1) & 0xff) << 8) | (bytes.apply(2) & 0xff);
      int stream = bytes.drop(5).asByteBuffer().getInt() & 0x7fffffff;
      if (bytes.size() < 9 + length) {
        throw new AssertionError("partial frame at the end");
      }
      frames.add(new Frame(bytes.apply(3) & 0xff, bytes.apply(4) & 0xff, stream, bytes.slice(9, 9 + length)));
      bytes = bytes.drop(9 + length);
    }
    return frames;
  }

  /** What Akka HTTP's decoder (fresh table of 4096, like the server's) makes of every header block. */
  static List<Block> serverView(List<Frame> frames) {
    Decoder decoder = new Decoder(Integer.MAX_VALUE, 4096);
    List<Block> blocks = new ArrayList<>();
    ByteString fragment = null;
    Frame first = null;
    ByteString priority = null;
    for (Frame f : frames) {
      if (f.type() == AuthorityRewriter.HEADERS) {
        int off = 0;
        int pad = 0;
        if ((f.flags() & AuthorityRewriter.PADDED) != 0) {
          pad = f.payload().apply(0) & 0xff;
          off = 1;
        }
        priority = null;
        if ((f.flags() & AuthorityRewriter.PRIORITY) != 0) {
          priority = f.payload().slice(off, off + 5);
          off += 5;
        }
        first = f;
        fragment = f.payload().slice(off, f.payload().size() - pad);
      } else if (f.type() == AuthorityRewriter.CONTINUATION) {
        fragment = fragment.concat(f.payload());
      } else {
        continue;
      }
      if ((f.flags() & AuthorityRewriter.END_HEADERS) != 0) {
        List<String> headers = new ArrayList<>();
        try {
          decoder.decode(
              new ByteArrayInputStream(fragment.toArray()),
              (name, value, parsed, sensitive) -> {
                headers.add(name + ": " + value);
                return parsed; // the static table's cache is JVM-wide and Akka HTTP's (see HeaderBlocks)
              });
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        decoder.endHeaderBlock();
        blocks.add(new Block(first.stream(), first.flags(), priority, headers));
      }
    }
    return blocks;
  }
}
