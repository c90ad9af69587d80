package io.cairn.launcher.grpcproxy;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.Compare;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.api.etcdserverpb.ResponseOp;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import io.cairn.persistence.mvcc.KeyRange;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * etcd 3.4's grpc-proxy range cache (proxy/grpcproxy/cache/store.go): range responses keyed by the whole request
 * (its serialized bytes), at most {@link #DEFAULT_MAX_ENTRIES} of them, least recently used dropped first, with a
 * reverse index from key intervals to entries so writes through the proxy invalidate what they touch. A compaction
 * through the proxy is recorded: a lookup at a revision below it answers etcd's compacted error, and, as etcd's Add
 * ({@code req.Revision > compactedRev}), no request at revision 0 is cached any more after it.
 *
 * <p>Thread-safe: the proxy's handlers run concurrently, so every method takes the cache's lock, as etcd's mutex
 * (a request's bytes, the entry key, are computed before).
 */
final class RangeCache {
  /** etcd's cache.DefaultMaxEntries. */
  static final int DEFAULT_MAX_ENTRIES = 2048;
  /**
   * How many recent invalidations {@link #add} can check a returning answer against; an answer that was out longer
   * than this many writes is not stored.
   */
  static final int RECENT_WRITES = 256;

  /** A cached response and the interval it is indexed under (null for a request at a fixed revision). */
  private record Entry(RangeResponse response, KeyRange indexedAt) {}

  /** An invalidation, numbered in order. */
  private record Write(long number, KeyRange interval) {}

  private final CachedRangeIndex index = new CachedRangeIndex();
  private final ArrayDeque<Write> recentWrites = new ArrayDeque<>();
  private long writes;
  private final LinkedHashMap<ByteString, Entry> lru;
  private long compactedRevision = -1;

  RangeCache(int maxEntries) {
    this.lru = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<ByteString, Entry> eldest) {
        if (size() <= maxEntries) {
          return false;
        }
        unindex(eldest.getKey(), eldest.getValue());
        return true;
      }
    };
  }

  /** The number of invalidations so far: taken before a range goes to the member, handed back to {@link #add}. */
  synchronized long writeMark() {
    return writes;
  }

  /** {@link #add(RangeRequest, RangeResponse, long)} for an answer no write through the proxy can have raced. */
  void add(RangeRequest request, RangeResponse response) {
    add(request, response, writeMark());
  }

  /**
   * Stores {@code response} as the answer to {@code request} (the proxy passes every range, linearizable ones with
   * serializable set, as etcd's kvProxy). Only a request above the compacted revision is stored; a request at
   * revision 0 is indexed for invalidation, one at a fixed revision needs none since its answer cannot change.
   *
   * <p>{@code sentAt} is the {@link #writeMark()} taken before the request went to the member. If a write through
   * the proxy invalidated the request's keys since, the answer may predate that write and is not stored: etcd stores
   * it, and it then stays stale until the next write.
   */
  void add(RangeRequest request, RangeResponse response, long sentAt) {
    ByteString key = request.toByteString();
    KeyRange interval = request.getRevision() == 0
        ? KeyRange.of(request.getKey(), request.getRangeEnd()) : null;
    synchronized (this) {
      if (request.getRevision() <= compactedRevision
          || (interval != null && writtenBetween(sentAt, writes, interval))) {
        return;
      }
      Entry previous = lru.put(key, new Entry(response, interval));
      if (previous != null) {
        unindex(key, previous);
      }
      if (interval != null) {
        index.add(interval, key);
      }
    }
  }

  /**
   * The cached answer to {@code request}, or null. A request for a revision below the compacted one fails with
   * etcd's ErrGRPCCompacted (OutOfRange, "etcdserver: mvcc: required revision has been compacted"), as etcd's cache
   * answers it, whether or not it was cached; its entry goes.
   */
  RangeResponse get(RangeRequest request) {
    ByteString key = request.toByteString();
    synchronized (this) {
      if (request.getRevision() > 0 && request.getRevision() < compactedRevision) {
        remove(key);
        throw new EtcdException(EtcdError.COMPACTED);
      }
      Entry entry = lru.get(key);
      return entry == null ? null : entry.response();
    }
  }

  /** Drops every entry whose key interval overlaps [key, rangeEnd) (range_end as in the protocol). */
  synchronized void invalidate(ByteString key, ByteString rangeEnd) {
    KeyRange written = KeyRange.of(key, rangeEnd);
    for (ByteString stale : index.removeOverlapping(written)) {
      lru.remove(stale);
    }
    recentWrites.addLast(new Write(++writes, written));
    if (recentWrites.size() > RECENT_WRITES) {
      recentWrites.removeFirst();
    }
  }

  /** Whether a write numbered in (after, upTo] touched {@code read}; forgotten writes count as touching it. */
  private boolean writtenBetween(long after, long upTo, KeyRange read) {
    if (upTo <= after) {
      return false;
    }
    if (recentWrites.isEmpty() || recentWrites.peekFirst().number() > after + 1) {
      return true;
    }
    for (Iterator<Write> it = recentWrites.descendingIterator(); it.hasNext(); ) {
      Write write = it.next();
      if (write.number() <= after) {
        return false;
      }
      if (write.number() <= upTo && write.interval().overlaps(read)) {
        return true;
      }
    }
    return false;
  }

  /**
   * etcd's Txn and txnToCache, once the member answered: a compared key may be one a txn claims outdated, so each
   * compare's key or range is invalidated; then the ops of the branch that ran invalidate (put, delete) or fill
   * (range, stored as serializable) the cache, in order. etcd skips a nested txn's ops, leaving the entries its
   * writes made stale; they are followed here. {@code sentAt}: the {@link #writeMark()} before the txn was sent;
   * its ranges are not stored over another write through the proxy since (its own writes are in order).
   */
  synchronized void txn(TxnRequest request, TxnResponse response, long sentAt) {
    txn(request, response, sentAt, writes);
  }

  private void txn(TxnRequest request, TxnResponse response, long sentAt, long othersUpTo) {
    for (Compare compare : request.getCompareList()) {
      invalidate(compare.getKey(), compare.getRangeEnd());
    }
    List<RequestOp> ran = response.getSucceeded() ? request.getSuccessList() : request.getFailureList();
    for (int i = 0; i < response.getResponsesCount() && i < ran.size(); i++) {
      RequestOp op = ran.get(i);
      ResponseOp result = response.getResponses(i);
      switch (result.getResponseCase()) {
        case RESPONSE_PUT -> invalidate(op.getRequestPut().getKey(), ByteString.EMPTY);
        case RESPONSE_DELETE_RANGE -> invalidate(op.getRequestDeleteRange().getKey(),
            op.getRequestDeleteRange().getRangeEnd());
        case RESPONSE_RANGE -> {
          RangeRequest read = asSerializable(op.getRequestRange());
          KeyRange interval = KeyRange.of(read.getKey(), read.getRangeEnd());
          if (read.getRevision() != 0 || !writtenBetween(sentAt, othersUpTo, interval)) {
            add(read, result.getResponseRange(), writes); // after this txn's own earlier ops, as etcd
          }
        }
        case RESPONSE_TXN -> txn(op.getRequestTxn(), result.getResponseTxn(), sentAt, othersUpTo);
        case RESPONSE_NOT_SET -> { }
      }
    }
  }

  /** The request a range's answer is stored under: etcd's kvProxy "cache linearizable as serializable". */
  static RangeRequest asSerializable(RangeRequest request) {
    return request.getSerializable() ? request : request.toBuilder().setSerializable(true).build();
  }

  /** Records a compaction (lazily: entries below it go when looked up, as etcd's). */
  synchronized void compact(long revision) {
    compactedRevision = Math.max(compactedRevision, revision);
  }

  synchronized int size() {
    return lru.size();
  }

  /** Distinct key intervals indexed (for tests: the index never outgrows the cache). */
  synchronized int indexedIntervals() {
    return index.size();
  }

  private void remove(ByteString key) {
    Entry entry = lru.remove(key);
    if (entry != null) {
      unindex(key, entry);
    }
  }

  private void unindex(ByteString key, Entry entry) {
    if (entry.indexedAt() != null) {
      index.remove(entry.indexedAt(), key);
    }
  }
}
