package io.cairn.grpc.h2;

import static io.cairn.grpc.h2.AuthorityRewriter.CONTINUATION;
import static io.cairn.grpc.h2.AuthorityRewriter.END_HEADERS;
import static io.cairn.grpc.h2.AuthorityRewriter.END_STREAM;
import static io.cairn.grpc.h2.AuthorityRewriter.HEADERS;
import static io.cairn.grpc.h2.AuthorityRewriter.PADDED;
import static io.cairn.grpc.h2.AuthorityRewriter.PREFACE;
import static io.cairn.grpc.h2.AuthorityRewriter.PRIORITY;
import static io.cairn.grpc.h2.H2Frames.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.util.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorityRewriterTest {
  private static final int DATA = 0x0;
  private static final int SETTINGS = 0x4;
  private static final int WINDOW_UPDATE = 0x8;

  private static String[] request(String authority, String path) {
    return new String[] {
      ":method", "POST", ":scheme", "http", ":path", path, ":authority", authority,
      "content-type", "application/grpc", "te", "trailers", "user-agent", "grpc-go/1.26.0"
    };
  }

  private static List<String> expected(String authority, String path) {
    String[] nv = request(authority, path);
    String[] out = new String[nv.length / 2];
    for (int i = 0; i < nv.length; i += 2) {
      out[i / 2] = nv[i] + ": " + nv[i + 1];
    }
    return Arrays.asList(out);
  }

  private static ByteString connectionStart() {
    return PREFACE.concat(frame(SETTINGS, 0, 0, new byte[0])).concat(frame(WINDOW_UPDATE, 0, 0, new byte[] {0, 1, 0, 0}));
  }

  private static ByteString afterPreface(ByteString out) {
    assertEquals(PREFACE, out.take(PREFACE.size()));
    return out.drop(PREFACE.size());
  }

  @Test
  void cleanAuthoritiesPassByteForByte() {
    H2Frames.Client client = new H2Frames.Client();
    ByteString in =
        connectionStart()
            .concat(frame(HEADERS, END_HEADERS, 1, client.block(request("127.0.0.1:2379", "/etcdserverpb.KV/Range"))))
            .concat(frame(DATA, END_STREAM, 1, new byte[] {0, 0, 0, 0, 2, 10, 0}))
            .concat(frame(HEADERS, END_HEADERS, 3, client.block(request("127.0.0.1:2379", "/etcdserverpb.KV/Put"))));
    assertEquals(in, new AuthorityRewriter().feed(in));
  }

  @Test
  void schemeIsStrippedOnEveryStreamWhileTheClientUsesItsDynamicTable() {
    H2Frames.Client client = new H2Frames.Client();
    String url = "http://127.0.0.1:2379";
    ByteString in = connectionStart();
    // Stream 1 is clean and forwarded verbatim; its entries land in both tables. Stream 3 is the first rewrite;
    // streams 5 and 7 are encoded by the client mostly as references to entries added by streams 1 and 3.
    in = in.concat(frame(HEADERS, END_HEADERS, 1, client.block(request("127.0.0.1:2379", "/etcdserverpb.KV/Range"))));
    byte[] third = client.block(request(url, "/etcdserverpb.Maintenance/Status"));
    in = in.concat(frame(HEADERS, END_HEADERS, 3, third));
    in = in.concat(frame(DATA, END_STREAM, 3, new byte[] {0, 0, 0, 0, 0}));
    byte[] fifth = client.block(request(url, "/etcdserverpb.Maintenance/Status"));
    in = in.concat(frame(HEADERS, END_HEADERS | END_STREAM, 5, fifth));
    in = in.concat(frame(HEADERS, END_HEADERS, 7, client.block(request("127.0.0.1:2379", "/etcdserverpb.KV/Range"))));
    assertTrue(fifth.length < 10 && third.length > 20, "the client encodes a repeated request from its dynamic table");

    List<H2Frames.Frame> out = H2Frames.frames(afterPreface(new AuthorityRewriter().feed(in)));
    List<H2Frames.Block> blocks = H2Frames.serverView(out);
    assertEquals(4, blocks.size());
    assertEquals(expected("127.0.0.1:2379", "/etcdserverpb.KV/Range"), blocks.get(0).headers());
    assertEquals(expected("127.0.0.1:2379", "/etcdserverpb.Maintenance/Status"), blocks.get(1).headers());
    assertEquals(expected("127.0.0.1:2379", "/etcdserverpb.Maintenance/Status"), blocks.get(2).headers());
    assertEquals(expected("127.0.0.1:2379", "/etcdserverpb.KV/Range"), blocks.get(3).headers());
    assertEquals(List.of(1, 3, 5, 7), blocks.stream().map(H2Frames.Block::stream).toList());
    assertEquals(END_STREAM | END_HEADERS, blocks.get(2).flags());
    // SETTINGS, WINDOW_UPDATE and DATA untouched and in order.
    assertEquals(List.of(SETTINGS, WINDOW_UPDATE, HEADERS, HEADERS, DATA, HEADERS, HEADERS), out.stream().map(H2Frames.Frame::type).toList());
    assertEquals(ByteString.fromArray(new byte[] {0, 0, 0, 0, 0}), out.get(4).payload());
  }

  @Test
  void continuationsPaddingAndPriorityAreHandled() {
    H2Frames.Client client = new H2Frames.Client();
    byte[] block = client.block(request("http://10.0.0.1:2379", "/etcdserverpb.Watch/Watch"));
    byte[] priority = {(byte) 0x80, 0, 0, 1, 41}; // exclusive dependency on stream 1, weight 42
    byte[] padLength = {3};
    int cut1 = 5;
    int cut2 = 17;
    ByteString headersPayload =
        ByteString.fromArray(padLength)
            .concat(ByteString.fromArray(priority))
            .concat(ByteString.fromArray(block, 0, cut1))
            .concat(ByteString.fromArray(new byte[3]));
    ByteString in =
        connectionStart()
            .concat(frame(HEADERS, PADDED | PRIORITY | END_STREAM, 3, headersPayload))
            .concat(frame(CONTINUATION, 0, 3, ByteString.fromArray(block, cut1, cut2 - cut1)))
            .concat(frame(CONTINUATION, END_HEADERS, 3, ByteString.fromArray(block, cut2, block.length - cut2)));

    List<H2Frames.Block> blocks = H2Frames.serverView(H2Frames.frames(afterPreface(new AuthorityRewriter().feed(in))));
    assertEquals(1, blocks.size());
    H2Frames.Block b = blocks.get(0);
    assertEquals(expected("10.0.0.1:2379", "/etcdserverpb.Watch/Watch"), b.headers());
    assertEquals(PRIORITY | END_STREAM | END_HEADERS, b.flags(), "padding dropped, priority and END_STREAM kept");
    assertEquals(ByteString.fromArray(priority), b.priority());
  }

  @Test
  void anyChunkingGivesTheSameBytes() {
    H2Frames.Client client = new H2Frames.Client();
    ByteString in = connectionStart();
    for (int stream = 1; stream < 40; stream += 2) {
      in = in.concat(frame(HEADERS, END_HEADERS, stream, client.block(request("http://h:1", "/p" + stream % 3))));
      in = in.concat(frame(DATA, END_STREAM, stream, new byte[stream]));
    }
    ByteString whole = new AuthorityRewriter().feed(in);
    for (int chunk : new int[] {1, 2, 7, 9, 100}) {
      AuthorityRewriter rewriter = new AuthorityRewriter();
      ByteString pieces = ByteString.emptyByteString();
      for (int i = 0; i < in.size(); i += chunk) {
        pieces = pieces.concat(rewriter.feed(in.slice(i, Math.min(in.size(), i + chunk))));
      }
      assertEquals(whole, pieces, "chunks of " + chunk);
    }
  }

  @Test
  void dataIsForwardedBeforeItsFrameIsComplete() {
    AuthorityRewriter rewriter = new AuthorityRewriter();
    rewriter.feed(connectionStart());
    ByteString data = frame(DATA, END_STREAM, 1, new byte[100_000]);
    assertEquals(data.take(1000), rewriter.feed(data.take(1000)), "no whole-frame buffering for DATA");
    assertEquals(data.drop(1000), rewriter.feed(data.drop(1000)));
  }

  @Test
  void largeRewrittenBlocksAreSplitIntoContinuations() {
    H2Frames.Client client = new H2Frames.Client();
    String big = "x".repeat(40_000);
    byte[] block = client.block(":method", "POST", ":path", "/p", ":authority", "http://h:1", "big", big);
    ByteString in = PREFACE;
    for (int off = 0; off < block.length; off += 16384) {
      int n = Math.min(16384, block.length - off);
      boolean first = off == 0;
      boolean last = off + n == block.length;
      in = in.concat(frame(first ? HEADERS : CONTINUATION, last ? END_HEADERS : 0, 1, ByteString.fromArray(block, off, n)));
    }
    List<H2Frames.Frame> out = H2Frames.frames(afterPreface(new AuthorityRewriter().feed(in)));
    assertTrue(out.size() >= 3);
    assertTrue(out.stream().allMatch(f -> f.payload().size() <= 16384));
    assertEquals(
        List.of(":method: POST", ":path: /p", ":authority: h:1", "big: " + big), H2Frames.serverView(out).get(0).headers());
  }

  @Test
  void nonHttp2ConnectionsPassUntouched() {
    ByteString http1 = ByteString.fromString("GET /health HTTP/1.1\r\nHost: h\r\n\r\n", StandardCharsets.US_ASCII);
    AuthorityRewriter rewriter = new AuthorityRewriter();
    assertEquals(http1.take(3), rewriter.feed(http1.take(3)));
    assertEquals(http1.drop(3), rewriter.feed(http1.drop(3)));
  }

  @Test
  void prefaceIsHeldUntilItIsComplete() {
    AuthorityRewriter rewriter = new AuthorityRewriter();
    assertTrue(rewriter.feed(PREFACE.take(10)).isEmpty());
    assertEquals(PREFACE, rewriter.feed(PREFACE.drop(10)));
  }

  @Test
  void brokenPeersAreRefused() {
    H2Frames.Client client = new H2Frames.Client();
    byte[] block = client.block(request("http://h:1", "/p"));
    ByteString interleaved =
        PREFACE.concat(frame(HEADERS, 0, 1, block)).concat(frame(DATA, 0, 1, new byte[1]));
    assertThrows(Http2RewriteException.class, () -> new AuthorityRewriter().feed(interleaved));

    ByteString wrongStream =
        PREFACE.concat(frame(HEADERS, 0, 1, block)).concat(frame(CONTINUATION, END_HEADERS, 3, new byte[0]));
    assertThrows(Http2RewriteException.class, () -> new AuthorityRewriter().feed(wrongStream));

    // Indexed field 254: beyond the static table and the (empty) dynamic one.
    ByteString garbage = PREFACE.concat(frame(HEADERS, END_HEADERS, 1, new byte[] {(byte) 0xff, 0x7f}));
    assertThrows(Http2RewriteException.class, () -> new AuthorityRewriter().feed(garbage));

    // Refused as soon as the frame header announces more than the bound, before buffering it.
    AuthorityRewriter rewriter = new AuthorityRewriter();
    rewriter.feed(PREFACE);
    ByteString huge = frame(HEADERS, 0, 1, new byte[AuthorityRewriter.MAX_HEADER_BLOCK]);
    assertThrows(Http2RewriteException.class, () -> rewriter.feed(huge.take(9)));
  }

  @Test
  void unrewrittenConnectionsKeepTheirCompression() {
    H2Frames.Client client = new H2Frames.Client();
    ByteString in = PREFACE;
    for (int stream = 1; stream < 10; stream += 2) {
      in = in.concat(frame(HEADERS, END_HEADERS, stream, client.block(request("127.0.0.1:2379", "/p"))));
    }
    assertFalse(new AuthorityRewriter().feed(in).size() > in.size());
  }
}
