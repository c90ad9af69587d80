package io.cairn.launcher.grpcproxy;

import com.google.protobuf.ByteString;
import io.cairn.persistence.mvcc.KeyOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@link RangeCache}'s reverse index (etcd's cache.cachedRanges): which cached requests read which key
 * interval, so a write finds the entries it makes stale without looking at the others. Not thread-safe; the cache
 * holds its lock around every call.
 *
 * <p>Single keys (the common case) sit in one sorted map, so a write finds them in O(log n + hits). Ranges sit in a
 * second map sorted by their first key; a write [a, b) looks only at the ranges beginning before b and checks their
 * ends. The index never holds more intervals than the cache holds entries (RangeCache removes an entry's interval when
 * the LRU drops it), i.e. at most etcd's DefaultMaxEntries (2048), which bounds that check.
 */
final class CachedRangeIndex {
  private static final Comparator<ByteString> BYTES = KeyOrder.UNSIGNED;
  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  /**
   * A key interval [begin, end) in unsigned byte order; an empty end has no bound. Built from a request's key and
   * range_end as the members read them: no range_end is the key alone, "\0" every key from key on.
   */
  record KeyInterval(ByteString begin, ByteString end) {
    static KeyInterval of(ByteString key, ByteString rangeEnd) {
      if (rangeEnd.isEmpty()) {
        return new KeyInterval(key, key.concat(ZERO));
      }
      // etcd 3.4's cache builds [key, "\0") here, an interval ending before it begins, so its proxy never
      // invalidates a cached --from-key (or --prefix "") read, nor lets a --from-key delete invalidate anything;
      // the range the member reads is every key from key on.
      return new KeyInterval(key, rangeEnd.equals(ZERO) ? ByteString.EMPTY : rangeEnd);
    }

    boolean isPoint() {
      return end.size() == begin.size() + 1 && end.byteAt(begin.size()) == 0 && end.startsWith(begin);
    }

    boolean overlaps(KeyInterval other) {
      return other.endsAfter(begin) && endsAfter(other.begin);
    }

    boolean endsAfter(ByteString key) {
      return endsAfter(end, key);
    }

    static boolean endsAfter(ByteString end, ByteString key) {
      return end.isEmpty() || BYTES.compare(end, key) > 0;
    }
  }

  private final TreeMap<ByteString, Set<ByteString>> points = new TreeMap<>(BYTES);
  /** begin → end → cache keys. */
  private final TreeMap<ByteString, Map<ByteString, Set<ByteString>>> ranges = new TreeMap<>(BYTES);
  private int intervals;

  void add(KeyInterval interval, ByteString cacheKey) {
    Set<ByteString> keys = interval.isPoint()
        ? points.computeIfAbsent(interval.begin(), k -> new HashSet<>(2))
        : ranges.computeIfAbsent(interval.begin(), k -> new HashMap<>(2)).computeIfAbsent(interval.end(),
            k -> new HashSet<>(2));
    if (keys.isEmpty()) {
      intervals++;
    }
    keys.add(cacheKey);
  }

  void remove(KeyInterval interval, ByteString cacheKey) {
    if (interval.isPoint()) {
      Set<ByteString> keys = points.get(interval.begin());
      if (keys != null && keys.remove(cacheKey) && keys.isEmpty()) {
        points.remove(interval.begin());
        intervals--;
      }
      return;
    }
    Map<ByteString, Set<ByteString>> byEnd = ranges.get(interval.begin());
    Set<ByteString> keys = byEnd == null ? null : byEnd.get(interval.end());
    if (keys != null && keys.remove(cacheKey) && keys.isEmpty()) {
      byEnd.remove(interval.end());
      intervals--;
      if (byEnd.isEmpty()) {
        ranges.remove(interval.begin());
      }
    }
  }

  /** Removes every interval overlapping {@code written} and returns the cache keys that were indexed under them. */
  List<ByteString> removeOverlapping(KeyInterval written) {
    List<ByteString> stale = new ArrayList<>();
    NavigableMap<ByteString, Set<ByteString>> hitPoints = written.end().isEmpty()
        ? points.tailMap(written.begin(), true)
        : points.subMap(written.begin(), true, written.end(), false);
    for (Iterator<Set<ByteString>> it = hitPoints.values().iterator(); it.hasNext(); ) {
      stale.addAll(it.next());
      it.remove();
      intervals--;
    }
    NavigableMap<ByteString, Map<ByteString, Set<ByteString>>> beforeEnd = written.end().isEmpty() ? ranges
        : ranges.headMap(written.end(), false);
    for (Iterator<Map<ByteString, Set<ByteString>>> byBegin = beforeEnd.values().iterator(); byBegin.hasNext(); ) {
      Map<ByteString, Set<ByteString>> byEnd = byBegin.next();
      for (Iterator<Map.Entry<ByteString, Set<ByteString>>> it = byEnd.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<ByteString, Set<ByteString>> range = it.next();
        if (KeyInterval.endsAfter(range.getKey(), written.begin())) {
          stale.addAll(range.getValue());
          it.remove();
          intervals--;
        }
      }
      if (byEnd.isEmpty()) {
        byBegin.remove();
      }
    }
    return stale;
  }

  /** The number of distinct intervals indexed. */
  int size() {
    return intervals;
  }
}
