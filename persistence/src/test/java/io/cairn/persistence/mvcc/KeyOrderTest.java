package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyOrderTest {
  private static final Comparator<ByteString> PROTOBUF = ByteString.unsignedLexicographicalComparator();

  @Test
  void ordersAsGoBytesCompare() {
    assertTrue(KeyOrder.compare(bytes(0x7f), bytes(0x80)) < 0, "bytes are unsigned");
    assertTrue(KeyOrder.compare(bytes(0xff), bytes(0x00, 0x00)) > 0, "the first differing byte decides");
    assertTrue(KeyOrder.compare(ByteString.copyFromUtf8("a"), ByteString.copyFromUtf8("ab")) < 0,
        "a prefix comes first");
    assertTrue(KeyOrder.compare(ByteString.EMPTY, bytes(0x00)) < 0, "the empty key is the smallest");
    assertEquals(0, KeyOrder.compare(ByteString.copyFromUtf8("key"), ByteString.copyFromUtf8("key")));
  }

  @Test
  void agreesInSignWithProtobufsComparatorOnRandomKeysAndSubstrings() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      ByteString a = randomKey(random);
      ByteString b = random.nextInt(4) == 0 ? a.concat(randomKey(random)) : randomKey(random);
      if (random.nextBoolean() && !a.isEmpty()) {
        a = a.substring(random.nextInt(a.size())); // a BoundedByteString, as protobuf parsing may produce
      }
      assertEquals(Integer.signum(PROTOBUF.compare(a, b)), Integer.signum(KeyOrder.compare(a, b)), a + " vs " + b);
      assertEquals(Integer.signum(PROTOBUF.compare(b, a)), Integer.signum(KeyOrder.compare(b, a)), b + " vs " + a);
    }
  }

  private static ByteString randomKey(Random random) {
    byte[] key = new byte[random.nextInt(6)];
    for (int j = 0; j < key.length; j++) {
      key[j] = (byte) (random.nextInt(3) == 0 ? 0x80 + random.nextInt(3) : random.nextInt(3));
    }
    return ByteString.copyFrom(key);
  }

  private static ByteString bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return ByteString.copyFrom(b);
  }
}
