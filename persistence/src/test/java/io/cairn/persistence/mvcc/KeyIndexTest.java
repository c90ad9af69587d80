package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The etcd key_index semantics the store relies on: generations, get at a revision, keep and compact. */
class KeyIndexTest {
  private KeyIndex ki;

  private static Revision r(long main) {
    return new Revision(main, 0);
  }

  /** {2, 4, 6(t)} {8, 10, 12(t)} {14, 16} */
  @BeforeEach
  void build() {
    ki = new KeyIndex(ByteString.copyFromUtf8("k"));
    ki.put(r(2), 0);
    ki.put(r(4), 0);
    assertTrue(ki.tombstone(r(6)));
    ki.put(r(8), 0);
    ki.put(r(10), 0);
    assertTrue(ki.tombstone(r(12)));
    ki.put(r(14), 0);
    ki.put(r(16), 7);
  }

  @Test
  void getFindsTheGenerationAndVersion() {
    assertNull(ki.get(1));
    assertEquals(new KeyState(r(2), 2, 1), ki.get(2));
    assertEquals(new KeyState(r(4), 2, 2), ki.get(5));
    assertNull(ki.get(6));
    assertNull(ki.get(7));
    assertEquals(new KeyState(r(8), 8, 1), ki.get(9));
    assertNull(ki.get(13));
    assertEquals(new KeyState(r(16), 14, 2), ki.get(100));
    assertEquals(7, ki.lease());
    assertTrue(ki.isLive());
  }

  private Set<Revision> keep(long at) {
    Set<Revision> s = new HashSet<>();
    ki.keep(at, s);
    return s;
  }

  @Test
  void keepDropsTombstonesAtTheCompactionPoint() {
    assertEquals(Set.of(r(4)), keep(5));
    assertEquals(Set.of(), keep(6));
    assertEquals(Set.of(), keep(7));
    assertEquals(Set.of(r(8)), keep(9));
    assertEquals(Set.of(), keep(13));
    assertEquals(Set.of(r(14)), keep(15));
  }

  @Test
  void compactKeepsReadsAtOrAboveTheRevision() {
    Set<Revision> available = new HashSet<>();
    ki.compact(5, available);
    assertEquals(Set.of(r(4)), available);
    assertEquals(new KeyState(r(4), 2, 2), ki.get(5));
    assertNull(ki.get(6));

    available.clear();
    ki.compact(12, available);
    assertEquals(Set.of(), available);
    assertNull(ki.get(12));
    assertEquals(new KeyState(r(14), 14, 1), ki.get(15));

    available.clear();
    ki.compact(16, available);
    assertEquals(Set.of(r(16)), available);
    // the version counts compacted puts too
    assertEquals(new KeyState(r(16), 14, 2), ki.get(16));
    assertFalse(ki.isEmpty());
  }

  @Test
  void fullyDeletedKeyBecomesEmpty() {
    assertTrue(ki.tombstone(r(18)));
    assertFalse(ki.tombstone(r(19)));
    assertEquals(0, ki.lease());
    Set<Revision> available = new HashSet<>();
    ki.compact(18, available);
    assertTrue(available.isEmpty());
    assertTrue(ki.isEmpty());
  }
}
