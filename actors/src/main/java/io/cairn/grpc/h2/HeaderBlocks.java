package io.cairn.grpc.h2;

import akka.http.shaded.com.twitter.hpack.Decoder;
import akka.http.shaded.com.twitter.hpack.Encoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * HPACK for one connection's client-to-server direction, using the HPACK implementation Akka HTTP's own server
 * decoder uses (its shaded Twitter hpack), so both sides agree byte for byte on what a block means.
 *
 * <p>The decoder mirrors the client's dynamic table: it sees every header block the client sends, in order. Akka HTTP
 * 10.2.10 hard-codes its decoder's table at 4096 bytes (the protocol default) and never announces another
 * SETTINGS_HEADER_TABLE_SIZE, so the client starts at 4096 too and can only lower it, which the decoder follows from
 * the size updates inside the blocks.
 *
 * <p>The encoder has a table capacity of 0: it emits static-table references and literals "without indexing" only, so
 * re-encoded blocks never add to the server's dynamic table and no size update is needed whatever size it has.
 */
final class HeaderBlocks {
  static final int DEFAULT_TABLE_SIZE = 4096;
  /** Decoded bytes per block; bounds what table references can amplify a block to (Akka's own bound is looser). */
  static final int MAX_HEADER_LIST = 1 << 20;

  record Field(String name, String value, boolean sensitive) {}

  private final Decoder decoder = new Decoder(MAX_HEADER_LIST, DEFAULT_TABLE_SIZE);
  private final Encoder encoder = new Encoder(0);

  List<Field> decode(byte[] block) throws IOException {
    List<Field> fields = new ArrayList<>();
    decoder.decode(
        new ByteArrayInputStream(block),
        (name, value, parsed, sensitive) -> {
          fields.add(new Field(name, value, sensitive));
          // The decoder caches the returned object with the table entry, and the static table is shared by every
          // Decoder in the JVM, Akka HTTP's included: Akka caches its parsed header models there. Hand back what
          // we were given so that cache keeps holding Akka's objects (returning the String broke Akka's decoding).
          return parsed;
        });
    if (decoder.endHeaderBlock()) {
      throw new IOException("header list larger than " + MAX_HEADER_LIST + " bytes");
    }
    return fields;
  }

  byte[] encode(List<Field> fields) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    for (Field f : fields) {
      encoder.encodeHeader(out, f.name(), f.value(), f.sensitive());
    }
    return out.toByteArray();
  }
}
