package io.cairn.launcher.grpcproxy;

import com.google.protobuf.ByteString;
import io.cairn.persistence.mvcc.KeyOrder;
import io.cairn.persistence.mvcc.KeyRange;
import java.util.ArrayList;
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
 *
 * <p>Ranges are read as the members read them ({@link KeyRange}): a range_end of "\0" is every key from key on.
 * etcd 3.4's cache builds [key, "\0") there, an interval ending before it begins, so its proxy never invalidates a
 * cached --from-key (or --prefix "") read, nor lets a --from-key delete invalidate anything; this one does.
 */
final class CachedRangeIndex {
  private final TreeMap<ByteString, Set<ByteString>> points = new TreeMap<>(KeyOrder.UNSIGNED);
  /** first key → range → cache keys. */
  private final TreeMap<ByteString, Map<KeyRange, Set<ByteString>>> ranges = new TreeMap<>(KeyOrder.UNSIGNED);
  private int intervals;

  void add(KeyRange range, ByteString cacheKey) {
    Set<ByteString> keys = range.kind() == KeyRange.Kind.SINGLE
        ? points.computeIfAbsent(range.key(), k -> new HashSet<>(2))
        : ranges.computeIfAbsent(range.key(), k -> new HashMap<>(2)).computeIfAbsent(range, k -> new HashSet<>(2));
    if (keys.isEmpty()) {
      intervals++;
    }
    keys.add(cacheKey);
  }

  void remove(KeyRange range, ByteString cacheKey) {
    if (range.kind() == KeyRange.Kind.SINGLE) {
      Set<ByteString> keys = points.get(range.key());
      if (keys != null && keys.remove(cacheKey) && keys.isEmpty()) {
        points.remove(range.key());
        intervals--;
      }
      return;
    }
    Map<KeyRange, Set<ByteString>> byRange = ranges.get(range.key());
    Set<ByteString> keys = byRange == null ? null : byRange.get(range);
    if (keys != null && keys.remove(cacheKey) && keys.isEmpty()) {
      byRange.remove(range);
      intervals--;
      if (byRange.isEmpty()) {
        ranges.remove(range.key());
      }
    }
  }

  /**
   * Removes every range overlapping {@code written} and returns the cache keys that were indexed under them. A written
   * range that selects nothing (range_end at or before key) touches nothing.
   */
  List<ByteString> removeOverlapping(KeyRange written) {
    List<ByteString> stale = new ArrayList<>();
    if (written.isEmpty()) {
      return stale;
    }
    for (Iterator<Set<ByteString>> it = written.selectFrom(points).values().iterator(); it.hasNext(); ) {
      stale.addAll(it.next());
      it.remove();
      intervals--;
    }
    NavigableMap<ByteString, Map<KeyRange, Set<ByteString>>> beginningInside = switch (written.kind()) {
      case SINGLE -> ranges.headMap(written.key(), true);
      case FROM -> ranges;
      case INTERVAL -> ranges.headMap(written.rangeEnd(), false);
    };
    for (Iterator<Map<KeyRange, Set<ByteString>>> byBegin = beginningInside.values().iterator(); byBegin.hasNext(); ) {
      Map<KeyRange, Set<ByteString>> byRange = byBegin.next();
      for (Iterator<Map.Entry<KeyRange, Set<ByteString>>> it = byRange.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<KeyRange, Set<ByteString>> range = it.next();
        if (range.getKey().overlaps(written)) {
          stale.addAll(range.getValue());
          it.remove();
          intervals--;
        }
      }
      if (byRange.isEmpty()) {
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
