package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import java.util.Collections;
import java.util.Comparator;
import java.util.NavigableMap;

/**
 * etcd's [key, range_end) selection: an empty range_end selects the single key, "\0" (etcd's
 * {@code mkGteRange}) selects every key >= key, anything else the half-open interval; a range_end at or
 * before key selects nothing.
 */
record KeyRange(ByteString start, ByteString end, Kind kind) {
  enum Kind {
    SINGLE,
    FROM,
    INTERVAL
  }

  static final Comparator<ByteString> ORDER = KeyOrder.UNSIGNED;
  private static final ByteString NUL = ByteString.copyFrom(new byte[] {0});

  static KeyRange of(ByteString key, ByteString rangeEnd) {
    if (rangeEnd.isEmpty()) {
      return new KeyRange(key, null, Kind.SINGLE);
    }
    if (rangeEnd.equals(NUL)) {
      return new KeyRange(key, null, Kind.FROM);
    }
    return new KeyRange(key, rangeEnd, Kind.INTERVAL);
  }

  boolean contains(ByteString k) {
    return switch (kind) {
      case SINGLE -> k.equals(start);
      case FROM -> ORDER.compare(k, start) >= 0;
      case INTERVAL -> ORDER.compare(k, start) >= 0 && ORDER.compare(k, end) < 0;
    };
  }

  <V> NavigableMap<ByteString, V> of(NavigableMap<ByteString, V> map) {
    return switch (kind) {
      case SINGLE -> map.subMap(start, true, start, true);
      case FROM -> map.tailMap(start, true);
      case INTERVAL ->
          ORDER.compare(start, end) >= 0
              ? Collections.emptyNavigableMap()
              : map.subMap(start, true, end, false);
    };
  }
}
