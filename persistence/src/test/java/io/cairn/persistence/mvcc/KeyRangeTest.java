package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class KeyRangeTest {
  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static KeyRange range(String key, String rangeEnd) {
    return KeyRange.of(b(key), b(rangeEnd));
  }

  @Test
  void selectsAsEtcdReadsKeyAndRangeEnd() {
    KeyRange single = range("b", "");
    KeyRange from = range("b", "\0");
    KeyRange interval = range("b", "d");
    KeyRange inverted = range("d", "b");
    assertEquals(KeyRange.Kind.SINGLE, single.kind());
    assertEquals(KeyRange.Kind.FROM, from.kind());
    assertEquals(KeyRange.Kind.INTERVAL, interval.kind());
    for (String k : List.of("a", "b", "b\0", "c", "d", "zz")) {
      assertEquals(k.equals("b"), single.contains(b(k)), k);
      assertEquals(k.compareTo("b") >= 0, from.contains(b(k)), k);
      assertEquals(k.compareTo("b") >= 0 && k.compareTo("d") < 0, interval.contains(b(k)), k);
      assertFalse(inverted.contains(b(k)), k);
    }
    assertTrue(inverted.isEmpty());
    assertTrue(range("b", "b").isEmpty());
    assertFalse(single.isEmpty() || from.isEmpty() || interval.isEmpty());
  }

  @Test
  void keysCompareAsUnsignedBytes() {
    KeyRange high = KeyRange.of(ByteString.copyFrom(new byte[] {(byte) 0x80}), ByteString.copyFrom(new byte[] {(byte) 0xff}));
    assertTrue(high.contains(ByteString.copyFrom(new byte[] {(byte) 0x90})));
    assertFalse(high.contains(b("a")));
  }

  @Test
  void overlapsWhenSomeKeyIsInBoth() {
    assertTrue(range("b", "").overlaps(range("a", "c")));
    assertTrue(range("b", "").overlaps(range("b", "")));
    assertFalse(range("b", "").overlaps(range("b\0", "")));
    assertFalse(range("b", "").overlaps(range("a", "b"))); // [a, b) ends before b
    assertTrue(range("a", "c").overlaps(range("b", "\0")));
    assertFalse(range("a", "b").overlaps(range("b", "\0")));
    assertTrue(range("z", "\0").overlaps(range("a", "\0")));
    assertTrue(range("a", "c").overlaps(range("b", "d")));
    assertFalse(range("a", "c").overlaps(range("c", "d")));
    assertFalse(range("d", "a").overlaps(range("a", "\0"))); // selects nothing, so overlaps nothing
    assertFalse(range("a", "\0").overlaps(range("d", "a")));
  }

  @Test
  void selectsTheSameKeysFromASortedMap() {
    TreeMap<ByteString, Integer> map = new TreeMap<>(KeyOrder.UNSIGNED);
    for (String k : List.of("a", "b", "c", "d")) {
      map.put(b(k), 0);
    }
    assertEquals(List.of(b("b")), List.copyOf(range("b", "").selectFrom(map).keySet()));
    assertEquals(List.of(b("b"), b("c"), b("d")), List.copyOf(range("b", "\0").selectFrom(map).keySet()));
    assertEquals(List.of(b("b"), b("c")), List.copyOf(range("b", "d").selectFrom(map).keySet()));
    assertTrue(range("d", "b").selectFrom(map).isEmpty());
  }
}
