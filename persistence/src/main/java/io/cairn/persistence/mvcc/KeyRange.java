package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import java.util.Collections;
import java.util.Comparator;
import java.util.NavigableMap;

/**
 * etcd's [key, range_end) selection, as every request carries it: an empty range_end selects the single key, "\0"
 * (etcd's {@code mkGteRange}) selects every key >= key, anything else the half-open interval; a range_end at or
 * before key selects nothing. Keys compare as {@link KeyOrder#UNSIGNED}. The one form of a key range in Cairn: the
 * store's reads and deletes, the watchers, a txn's overlap check and the grpc-proxy's cache all use it.
 */
public final class KeyRange {
  public enum Kind {
    SINGLE,
    FROM,
    INTERVAL
  }

  /** "\0": as a range_end, every key from the key on; as a key, the smallest one. */
  public static final ByteString NUL = ByteString.copyFrom(new byte[] {0});
  private static final Comparator<ByteString> ORDER = KeyOrder.UNSIGNED;

  private final ByteString key;
  private final ByteString rangeEnd;
  private final Kind kind;

  private KeyRange(ByteString key, ByteString rangeEnd, Kind kind) {
    this.key = key;
    this.rangeEnd = rangeEnd;
    this.kind = kind;
  }

  /** The range a request's key and range_end select. */
  public static KeyRange of(ByteString key, ByteString rangeEnd) {
    if (rangeEnd.isEmpty()) {
      return new KeyRange(key, rangeEnd, Kind.SINGLE);
    }
    if (rangeEnd.equals(NUL)) {
      return new KeyRange(key, rangeEnd, Kind.FROM);
    }
    return new KeyRange(key, rangeEnd, Kind.INTERVAL);
  }

  /** The request's key: the single key, or the first key of the range. */
  public ByteString key() {
    return key;
  }

  /** The request's range_end, as given (empty for a single key, "\0" for every key from key on). */
  public ByteString rangeEnd() {
    return rangeEnd;
  }

  public Kind kind() {
    return kind;
  }

  public boolean contains(ByteString k) {
    return switch (kind) {
      case SINGLE -> k.equals(key);
      case FROM -> ORDER.compare(k, key) >= 0;
      case INTERVAL -> ORDER.compare(k, key) >= 0 && ORDER.compare(k, rangeEnd) < 0;
    };
  }

  /** Selects no key at all: an interval whose range_end is at or before its key. */
  public boolean isEmpty() {
    return kind == Kind.INTERVAL && ORDER.compare(key, rangeEnd) >= 0;
  }

  /** Some key lies in both ranges. */
  public boolean overlaps(KeyRange other) {
    return !isEmpty() && !other.isEmpty() && endsAfter(other.key) && other.endsAfter(key);
  }

  /** Some key selected here is at or after {@code k} (the range's exclusive upper bound lies beyond k). */
  private boolean endsAfter(ByteString k) {
    return switch (kind) {
      case SINGLE -> ORDER.compare(key, k) >= 0;
      case FROM -> true;
      case INTERVAL -> ORDER.compare(rangeEnd, k) > 0;
    };
  }

  /** The part of {@code map} (ordered by {@link KeyOrder#UNSIGNED}) this range selects: a view. */
  public <V> NavigableMap<ByteString, V> selectFrom(NavigableMap<ByteString, V> map) {
    return switch (kind) {
      case SINGLE -> map.subMap(key, true, key, true);
      case FROM -> map.tailMap(key, true);
      case INTERVAL -> isEmpty() ? Collections.emptyNavigableMap() : map.subMap(key, true, rangeEnd, false);
    };
  }

  @Override
  public boolean equals(Object o) {
    // kind follows from rangeEnd
    return o instanceof KeyRange other && key.equals(other.key) && rangeEnd.equals(other.rangeEnd);
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + rangeEnd.hashCode();
  }

  @Override
  public String toString() {
    return "KeyRange[" + kind + " " + key.toStringUtf8() + (kind == Kind.INTERVAL ? ", " + rangeEnd.toStringUtf8() : "")
        + "]";
  }
}
