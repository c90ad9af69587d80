package io.cairn.member.lease;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongPredicate;

/**
 * Leases' TTLs and deadlines, indexed by id and by deadline (etcd's leaseMap and leaseExpiredNotifier heap).
 * Not thread-safe: the {@link Lessor} guards it.
 */
final class LeaseDeadlines {

  record Entry(long leaseId, long ttlSeconds, long deadlineNanos) {}

  private static final Comparator<Entry> BY_DEADLINE =
      Comparator.comparingLong(Entry::deadlineNanos).thenComparingLong(Entry::leaseId);

  private final Map<Long, Entry> byId = new HashMap<>();
  private final TreeSet<Entry> byDeadline = new TreeSet<>(BY_DEADLINE);

  /** Adds or replaces a lease with deadline now + ttl. */
  void put(long leaseId, long ttlSeconds, long nowNanos) {
    remove(leaseId);
    Entry entry = new Entry(leaseId, ttlSeconds, deadline(nowNanos, ttlSeconds));
    byId.put(leaseId, entry);
    byDeadline.add(entry);
  }

  boolean remove(long leaseId) {
    Entry old = byId.remove(leaseId);
    if (old == null) {
      return false;
    }
    byDeadline.remove(old);
    return true;
  }

  void clear() {
    byId.clear();
    byDeadline.clear();
  }

  Entry get(long leaseId) {
    return byId.get(leaseId);
  }

  boolean contains(long leaseId) {
    return byId.containsKey(leaseId);
  }

  int size() {
    return byId.size();
  }

  /** Every lease's deadline becomes now + its TTL (etcd lessor Promote / restart). */
  void refreshAll(long nowNanos) {
    List<Entry> all = new ArrayList<>(byId.values());
    for (Entry e : all) {
      put(e.leaseId(), e.ttlSeconds(), nowNanos);
    }
  }

  /**
   * Up to {@code limit} expired leases (deadline at or before now), earliest deadline first, leaving out
   * those {@code skip} says to.
   */
  List<Long> expired(long nowNanos, int limit, LongPredicate skip) {
    List<Long> out = new ArrayList<>();
    for (Entry e : byDeadline) {
      if (e.deadlineNanos() > nowNanos || out.size() >= limit) {
        break;
      }
      if (!skip.test(e.leaseId())) {
        out.add(e.leaseId());
      }
    }
    return out;
  }

  /** All lease ids, earliest deadline first (etcd's Leases() sorts by expiry). */
  List<Long> idsByDeadline() {
    List<Long> out = new ArrayList<>(byDeadline.size());
    for (Entry e : byDeadline) {
      out.add(e.leaseId());
    }
    return out;
  }

  /** now + ttl, saturating: TTLs go up to 9e9 s, i.e. 9e18 ns, close to Long.MAX_VALUE. */
  static long deadline(long nowNanos, long ttlSeconds) {
    long ttlNanos = ttlSeconds >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : ttlSeconds * 1_000_000_000L;
    long sum = nowNanos + ttlNanos;
    // Overflow iff both operands have the same sign and the sum's sign differs.
    return ((nowNanos ^ sum) & (ttlNanos ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
