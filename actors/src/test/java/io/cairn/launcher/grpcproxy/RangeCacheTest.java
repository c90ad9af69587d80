package io.cairn.launcher.grpcproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.Compare;
import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.DeleteRangeResponse;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.etcdserverpb.ResponseOp;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** etcd 3.4's grpc-proxy range cache (proxy/grpcproxy/cache/store.go and kvProxy's use of it). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RangeCacheTest {
  private final RangeCache cache = new RangeCache(RangeCache.DEFAULT_MAX_ENTRIES);

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static RangeRequest get(String key) {
    return RangeRequest.newBuilder().setKey(b(key)).setSerializable(true).build();
  }

  private static RangeRequest range(String key, String end) {
    return get(key).toBuilder().setRangeEnd(b(end)).build();
  }

  private static RangeResponse answer(long revision) {
    return RangeResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(revision)).build();
  }

  /** Caches {@code request}'s answer and returns it. */
  private RangeResponse cached(RangeRequest request) {
    RangeResponse response = answer(request.hashCode());
    cache.add(request, response);
    assertSame(response, cache.get(request));
    return response;
  }

  @Test
  void answersTheSameRequestOnlyAndTheWholeRequestIsTheKey() {
    RangeResponse response = cached(get("k"));
    assertSame(response, cache.get(get("k")));
    assertNull(cache.get(get("k").toBuilder().setLimit(1).build()));
    assertNull(cache.get(get("k").toBuilder().setKeysOnly(true).build()));
    assertNull(cache.get(get("k2")));
    assertEquals(1, cache.size());
  }

  @Test
  void aLinearizableAnswerIsStoredAsTheSerializableRequests() {
    RangeRequest linearizable = RangeRequest.newBuilder().setKey(b("k")).build();
    RangeResponse response = answer(7);
    cache.add(RangeCache.asSerializable(linearizable), response);
    assertSame(response, cache.get(get("k")));
    RangeRequest serializable = get("k");
    assertSame(serializable, RangeCache.asSerializable(serializable));
  }

  @Test
  void aPutInvalidatesEveryEntryReadingItsKeyAndNoOther() {
    cached(get("a"));
    cached(range("a", "b"));
    cached(range("\0", "\0")); // --prefix "": every key
    cached(range("a", "\0")); // --from-key a
    RangeResponse beforeA = cached(range("0", "a")); // ends where "a" begins
    RangeResponse b = cached(get("b"));
    RangeResponse ab = cached(get("ab")); // "a"'s point interval is ["a", "a\0"), which "ab" is outside
    RangeResponse c = cached(range("c", "\0"));

    cache.invalidate(b("a"), ByteString.EMPTY);

    assertNull(cache.get(get("a")));
    assertNull(cache.get(range("a", "b")));
    assertNull(cache.get(range("\0", "\0")));
    assertNull(cache.get(range("a", "\0")));
    assertSame(beforeA, cache.get(range("0", "a")));
    assertSame(b, cache.get(get("b")));
    assertSame(ab, cache.get(get("ab")));
    assertSame(c, cache.get(range("c", "\0")));
    assertEquals(4, cache.size());
    assertEquals(4, cache.indexedIntervals());
  }

  @Test
  void aDeleteRangeInvalidatesTheEntriesOverlappingItsRange() {
    cached(get("a"));
    cached(get("b"));
    cached(range("b1", "b3"));
    cached(range("0", "b"));
    RangeResponse c = cached(get("c"));
    RangeResponse beforeB = cached(range("0", "a")); // [0, a) ends before "a"
    cached(range("a", "\0"));

    cache.invalidate(b("a"), b("c")); // [a, c)

    for (RangeRequest gone : List.of(get("a"), get("b"), range("b1", "b3"), range("0", "b"), range("a", "\0"))) {
      assertNull(cache.get(gone), gone.toString());
    }
    assertSame(c, cache.get(get("c")));
    assertSame(beforeB, cache.get(range("0", "a")));
  }

  @Test
  void aWriteWhoseRangeEndsBeforeItBeginsInvalidatesNothing() {
    RangeResponse a = cached(get("a"));
    RangeResponse b = cached(get("b"));
    RangeResponse ac = cached(range("a", "c"));
    RangeResponse inverted = cached(range("c", "a")); // selects nothing: no write can make it stale

    cache.invalidate(b("c"), b("a")); // etcdctl del c a: the member deletes nothing

    assertSame(a, cache.get(get("a")));
    assertSame(b, cache.get(get("b")));
    assertSame(ac, cache.get(range("a", "c")));
    assertSame(inverted, cache.get(range("c", "a")));
    cache.invalidate(b("a"), b("z"));
    assertSame(inverted, cache.get(range("c", "a")));
    assertEquals(1, cache.size());
  }

  @Test
  void aFromKeyWriteInvalidatesEveryEntryFromItsKeyOn() {
    RangeResponse a = cached(get("a"));
    RangeResponse beforeB = cached(range("a", "b"));
    cached(get("b"));
    cached(get("zz"));
    cached(range("a", "c"));
    cached(range("\0", "\0"));

    cache.invalidate(b("b"), b("\0")); // etcdctl del b --from-key

    assertSame(a, cache.get(get("a")));
    assertSame(beforeB, cache.get(range("a", "b")));
    assertNull(cache.get(get("b")));
    assertNull(cache.get(get("zz")));
    assertNull(cache.get(range("a", "c")));
    assertNull(cache.get(range("\0", "\0")));
  }

  @Test
  void aTxnInvalidatesItsComparesAndFollowsTheBranchThatRan() {
    cached(get("compared"));
    cached(get("put"));
    cached(range("del", "del9"));
    cached(get("nested"));
    RangeResponse otherBranch = cached(get("else-put"));
    RangeRequest read = RangeRequest.newBuilder().setKey(b("read")).build(); // linearizable inside the txn
    RangeResponse readAnswer = answer(42);
    TxnRequest nested = TxnRequest.newBuilder()
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b("nested")))).build();
    TxnRequest txn = TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(b("compared")))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b("put"))))
        .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
            .setKey(b("del5")).setRangeEnd(b("del6"))))
        .addSuccess(RequestOp.newBuilder().setRequestRange(read))
        .addSuccess(RequestOp.newBuilder().setRequestTxn(nested))
        .addFailure(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b("else-put"))))
        .build();
    TxnResponse succeeded = TxnResponse.newBuilder().setSucceeded(true)
        .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.getDefaultInstance()))
        .addResponses(ResponseOp.newBuilder().setResponseDeleteRange(DeleteRangeResponse.getDefaultInstance()))
        .addResponses(ResponseOp.newBuilder().setResponseRange(readAnswer))
        .addResponses(ResponseOp.newBuilder().setResponseTxn(TxnResponse.newBuilder().setSucceeded(true)
            .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.getDefaultInstance()))))
        .build();

    cache.txn(txn, succeeded, cache.writeMark());

    assertNull(cache.get(get("compared")));
    assertNull(cache.get(get("put")));
    assertNull(cache.get(range("del", "del9")));
    assertNull(cache.get(get("nested"))); // etcd's txnToCache skips nested txns; followed here
    assertSame(otherBranch, cache.get(get("else-put")));
    assertSame(readAnswer, cache.get(get("read")));

    // the failure branch ran: its put invalidates, the success branch's ops do nothing
    RangeResponse put = cached(get("put"));
    cache.txn(txn, TxnResponse.newBuilder().setSucceeded(false)
        .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.getDefaultInstance())).build(),
        cache.writeMark());
    assertNull(cache.get(get("else-put")));
    assertSame(put, cache.get(get("put")));
  }

  @Test
  void anAnswerThatWasOutWhileAWriteThroughTheProxyTouchedItsKeysIsNotStored() {
    long sentAt = cache.writeMark();
    cache.invalidate(b("k"), ByteString.EMPTY); // a put through the proxy while the ranges were at the member
    cache.add(get("k"), answer(1), sentAt);
    cache.add(range("a", "z"), answer(2), sentAt);
    RangeResponse other = answer(3);
    cache.add(get("other"), other, sentAt);
    RangeResponse fixed = answer(4);
    cache.add(get("k").toBuilder().setRevision(5).build(), fixed, sentAt); // cannot change: stored

    assertNull(cache.get(get("k")));
    assertNull(cache.get(range("a", "z")));
    assertSame(other, cache.get(get("other")));
    assertSame(fixed, cache.get(get("k").toBuilder().setRevision(5).build()));

    // more writes than are remembered: the answer might predate one of them, so it is not stored
    long longAgo = cache.writeMark();
    for (int i = 0; i <= RangeCache.RECENT_WRITES; i++) {
      cache.invalidate(b("w" + i), ByteString.EMPTY);
    }
    cache.add(get("z"), answer(5), longAgo);
    assertNull(cache.get(get("z")));
    cache.add(get("z"), answer(5), cache.writeMark() - RangeCache.RECENT_WRITES);
    assertEquals(answer(5), cache.get(get("z")));
  }

  @Test
  void aTxnsReadsAreStoredAfterItsOwnWritesButNotOverAnotherWrite() {
    RangeRequest read = RangeRequest.newBuilder().setKey(b("x")).build();
    RangeRequest other = RangeRequest.newBuilder().setKey(b("y")).build();
    TxnRequest txn = TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(b("x")))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b("x"))))
        .addSuccess(RequestOp.newBuilder().setRequestRange(read))
        .addSuccess(RequestOp.newBuilder().setRequestRange(other))
        .build();
    RangeResponse x = answer(1);
    RangeResponse y = answer(2);
    TxnResponse response = TxnResponse.newBuilder().setSucceeded(true)
        .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.getDefaultInstance()))
        .addResponses(ResponseOp.newBuilder().setResponseRange(x))
        .addResponses(ResponseOp.newBuilder().setResponseRange(y))
        .build();

    cache.txn(txn, response, cache.writeMark());
    assertSame(x, cache.get(get("x"))); // its own compare and put came first, as etcd's txnToCache
    assertSame(y, cache.get(get("y")));

    long sentAt = cache.writeMark();
    cache.invalidate(b("y"), ByteString.EMPTY); // another client's put while the txn was out
    cache.txn(txn, response, sentAt);
    assertSame(x, cache.get(get("x")));
    assertNull(cache.get(get("y")));
  }

  @Test
  void aCompactionAnswersEtcdsCompactedErrorBelowItAndStopsCachingLatestReads() {
    cached(get("k").toBuilder().setRevision(3).build());
    RangeResponse at5 = cached(get("k").toBuilder().setRevision(5).build());
    RangeResponse latest = cached(get("k"));

    cache.compact(5);
    cache.compact(4); // never goes back

    EtcdException compacted = assertThrows(EtcdException.class,
        () -> cache.get(get("k").toBuilder().setRevision(3).build()));
    assertEquals(EtcdError.COMPACTED, compacted.error());
    // below the compacted revision even when never cached (etcd's cache answers before looking)
    assertThrows(EtcdException.class, () -> cache.get(get("other").toBuilder().setRevision(4).build()));
    assertSame(at5, cache.get(get("k").toBuilder().setRevision(5).build())); // at it: still readable
    assertSame(latest, cache.get(get("k"))); // revision 0 entries stay until a write
    assertEquals(2, cache.size()); // the compacted entry went

    // etcd's Add stores only requests above the compacted revision: revision 0 no longer is
    cache.add(get("new"), answer(9));
    assertNull(cache.get(get("new")));
    RangeResponse at6 = answer(6);
    cache.add(get("new").toBuilder().setRevision(6).build(), at6);
    assertSame(at6, cache.get(get("new").toBuilder().setRevision(6).build()));
    // a request at a fixed revision is not indexed: a write to its key leaves it
    cache.invalidate(b("new"), ByteString.EMPTY);
    assertSame(at6, cache.get(get("new").toBuilder().setRevision(6).build()));
  }

  @Test
  void holdsAtMostMaxEntriesDroppingTheLeastRecentlyUsed() {
    RangeCache small = new RangeCache(3);
    for (String key : List.of("a", "b", "c")) {
      small.add(get(key), answer(1));
    }
    small.get(get("a")); // "b" is now the least recently used
    small.add(range("x", "y"), answer(2));
    assertEquals(3, small.size());
    assertNull(small.get(get("b")));
    assertEquals(answer(1), small.get(get("a")));
    assertEquals(answer(1), small.get(get("c")));
    assertEquals(3, small.indexedIntervals()); // the dropped entry left the index too
    small.invalidate(b("\0"), b("\0"));
    assertEquals(0, small.size());
    assertEquals(0, small.indexedIntervals());
  }

  @Test
  void theDefaultBoundIsEtcds() {
    for (int i = 0; i < 3000; i++) {
      cache.add(get("k" + i), answer(i));
    }
    assertEquals(2048, cache.size());
    assertEquals(2048, cache.indexedIntervals());
  }

  @Test
  void concurrentReadsWritesAndEvictionsKeepTheIndexInStepWithTheEntries() throws Exception {
    RangeCache shared = new RangeCache(64);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 20_000; i++) {
            String key = "k" + ((i * 7 + thread) % 200);
            switch (i % 4) {
              case 0 -> shared.add(get(key), answer(i));
              case 1 -> shared.add(range(key, key + "5"), answer(i));
              case 2 -> shared.get(get(key));
              default -> shared.invalidate(b(key), thread == 0 ? b(key + "3") : ByteString.EMPTY);
            }
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(shared.size() <= 64, "size " + shared.size());
    assertTrue(shared.indexedIntervals() <= shared.size(), shared.indexedIntervals() + " > " + shared.size());
    shared.invalidate(b("\0"), b("\0"));
    assertEquals(0, shared.size());
    assertEquals(0, shared.indexedIntervals());
  }
}
