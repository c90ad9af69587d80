package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The committed leases and the keys attached to them (etcd's lessor {@code leaseMap} and item sets). The
 * TTL is persisted in LevelDB; the attachment is derived from each live key's latest KeyValue.lease, so
 * it is rebuilt on open rather than stored. Guarded by {@link SharedState}'s lock.
 */
final class LeaseTable {
  private static final class Entry {
    final long ttl;
    /** Sorted: etcd revokes a lease's keys in key order. */
    final TreeSet<ByteString> keys = new TreeSet<>(KeyOrder.UNSIGNED);

    Entry(long ttl) {
      this.ttl = ttl;
    }
  }

  private final HashMap<Long, Entry> leases = new HashMap<>();

  boolean contains(long id) {
    return leases.containsKey(id);
  }

  /** Grants (or re-grants after a revoke in the same batch) a lease with no keys. */
  void grant(long id, long ttl) {
    leases.put(id, new Entry(ttl));
  }

  void revoke(long id) {
    leases.remove(id);
  }

  void attach(long id, ByteString key) {
    Entry e = leases.get(id);
    if (e != null) {
      e.keys.add(key);
    }
  }

  void detach(long id, ByteString key) {
    Entry e = leases.get(id);
    if (e != null) {
      e.keys.remove(key);
    }
  }

  /** The keys attached now; a live view, only for the apply thread. */
  Set<ByteString> keys(long id) {
    Entry e = leases.get(id);
    return e == null ? Collections.emptySet() : e.keys;
  }

  LeaseRecord record(long id) {
    Entry e = leases.get(id);
    return e == null ? null : new LeaseRecord(id, e.ttl, Collections.unmodifiableSet(copy(e.keys)));
  }

  Map<Long, LeaseRecord> records() {
    Map<Long, LeaseRecord> out = new LinkedHashMap<>();
    for (Long id : new TreeMap<>(leases).keySet()) {
      out.put(id, record(id));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Set<ByteString> copy(TreeSet<ByteString> keys) {
    TreeSet<ByteString> c = new TreeSet<>(KeyOrder.UNSIGNED);
    c.addAll(keys);
    return c;
  }
}
