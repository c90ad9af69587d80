package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.Compare;
import io.cairn.api.etcdserverpb.Compare.CompareResult;
import io.cairn.api.etcdserverpb.Compare.CompareTarget;
import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.api.mvccpb.Event;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TxnTest extends StoreTestSupport {

  /** rev 2: a=1 (lease 5), rev 3: b=2, rev 4: a=3 → a: create 2, mod 4, version 2, lease 5. */
  @BeforeEach
  void fill() throws Exception {
    apply(
        b -> {
          b.leaseGrant(5, 30);
          return null;
        });
    put("a", "1", 5);
    put("b", "2");
    put("a", "3", 5);
  }

  static Compare.Builder cmp(String key, CompareTarget t, CompareResult r) {
    return Compare.newBuilder().setKey(bs(key)).setTarget(t).setResult(r);
  }

  static RequestOp putOp(String k, String v) {
    return RequestOp.newBuilder()
        .setRequestPut(PutRequest.newBuilder().setKey(bs(k)).setValue(bs(v)))
        .build();
  }

  static RequestOp getOp(String k) {
    return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bs(k))).build();
  }

  private boolean holds(Compare.Builder c) throws Exception {
    return txn(TxnRequest.newBuilder().addCompare(c).build()).getSucceeded();
  }

  @Test
  void compareEachTargetAndResult() throws Exception {
    assertTrue(holds(cmp("a", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(2)));
    assertTrue(holds(cmp("a", CompareTarget.VERSION, CompareResult.GREATER).setVersion(1)));
    assertFalse(holds(cmp("a", CompareTarget.VERSION, CompareResult.LESS).setVersion(2)));
    assertTrue(holds(cmp("a", CompareTarget.CREATE, CompareResult.EQUAL).setCreateRevision(2)));
    assertTrue(holds(cmp("a", CompareTarget.CREATE, CompareResult.LESS).setCreateRevision(3)));
    assertTrue(holds(cmp("a", CompareTarget.MOD, CompareResult.EQUAL).setModRevision(4)));
    assertTrue(holds(cmp("a", CompareTarget.MOD, CompareResult.NOT_EQUAL).setModRevision(3)));
    assertFalse(holds(cmp("a", CompareTarget.MOD, CompareResult.GREATER).setModRevision(4)));
    assertTrue(holds(cmp("a", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bs("3"))));
    assertTrue(holds(cmp("a", CompareTarget.VALUE, CompareResult.GREATER).setValue(bs("2"))));
    assertTrue(holds(cmp("a", CompareTarget.VALUE, CompareResult.LESS).setValue(bs("4"))));
    assertFalse(holds(cmp("a", CompareTarget.VALUE, CompareResult.NOT_EQUAL).setValue(bs("3"))));
    assertTrue(holds(cmp("a", CompareTarget.LEASE, CompareResult.EQUAL).setLease(5)));
    assertTrue(holds(cmp("b", CompareTarget.LEASE, CompareResult.EQUAL).setLease(0)));
    // unsigned byte order for values
    put("hi", "\u00ff");
    assertTrue(holds(cmp("hi", CompareTarget.VALUE, CompareResult.GREATER).setValue(bs("z"))));
  }

  @Test
  void missingKeyComparesAsZeroButValueAlwaysFails() throws Exception {
    assertTrue(holds(cmp("x", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(0)));
    assertTrue(holds(cmp("x", CompareTarget.CREATE, CompareResult.EQUAL).setCreateRevision(0)));
    assertTrue(holds(cmp("x", CompareTarget.MOD, CompareResult.LESS).setModRevision(1)));
    assertFalse(holds(cmp("x", CompareTarget.VALUE, CompareResult.EQUAL).setValue(ByteString.EMPTY)));
    assertFalse(holds(cmp("x", CompareTarget.VALUE, CompareResult.NOT_EQUAL).setValue(bs("q"))));
  }

  @Test
  void rangeEndCompareNeedsEveryKey() throws Exception {
    assertTrue(
        holds(cmp("a", CompareTarget.VERSION, CompareResult.GREATER).setVersion(0).setRangeEnd(bs("c"))));
    assertFalse(
        holds(cmp("a", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(2).setRangeEnd(bs("c"))));
    assertTrue(
        holds(cmp("a", CompareTarget.CREATE, CompareResult.LESS).setCreateRevision(4).setRangeEnd(bs("\0"))));
    // empty range compares as a missing key
    assertTrue(
        holds(cmp("m", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(0).setRangeEnd(bs("n"))));
  }

  @Test
  void successAndFailureBranchesShareOneRevision() throws Exception {
    TxnResponse r =
        txn(
            TxnRequest.newBuilder()
                .addCompare(cmp("a", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bs("3")))
                .addSuccess(putOp("x", "1"))
                .addSuccess(putOp("y", "2"))
                .addSuccess(getOp("x"))
                .addSuccess(
                    RequestOp.newBuilder()
                        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bs("b"))))
                .addFailure(putOp("z", "1"))
                .build());
    assertTrue(r.getSucceeded());
    assertEquals(4, r.getResponsesCount());
    assertEquals(5, store.currentRevision());
    // reads inside the txn see its earlier writes
    assertEquals("1", str(r.getResponses(2).getResponseRange().getKvs(0).getValue()));
    assertEquals(5, r.getResponses(2).getResponseRange().getHeader().getRevision());
    assertEquals(1, r.getResponses(3).getResponseDeleteRange().getDeleted());
    assertEquals(5, get("x").orElseThrow().getModRevision());
    assertEquals(5, get("y").orElseThrow().getModRevision());
    assertTrue(get("b").isEmpty());
    assertTrue(get("z").isEmpty());
    // sub revisions: the events of the txn come in order, all at revision 5
    List<Event> ev = store.events(5, bs("\0"), bs("\0"), 100).events();
    assertEquals(List.of("x", "y", "b"), ev.stream().map(e -> str(e.getKv().getKey())).toList());
    assertTrue(ev.stream().allMatch(e -> e.getKv().getModRevision() == 5));

    r =
        txn(
            TxnRequest.newBuilder()
                .addCompare(cmp("a", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bs("nope")))
                .addSuccess(putOp("x", "2"))
                .addFailure(putOp("z", "1"))
                .build());
    assertFalse(r.getSucceeded());
    assertEquals(6, store.currentRevision());
    assertEquals(6, get("z").orElseThrow().getCreateRevision());
    assertEquals(1, get("x").orElseThrow().getVersion());
  }

  @Test
  void txnWithoutWritesKeepsTheRevision() throws Exception {
    TxnResponse r =
        txn(
            TxnRequest.newBuilder()
                .addSuccess(getOp("a"))
                .addSuccess(
                    RequestOp.newBuilder()
                        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bs("nothing"))))
                .build());
    assertTrue(r.getSucceeded());
    assertEquals(4, store.currentRevision());
    assertEquals("3", str(r.getResponses(0).getResponseRange().getKvs(0).getValue()));
  }

  @Test
  void nestedTxnComparesAgainstTheStateBeforeTheOuterTxn() throws Exception {
    TxnRequest inner =
        TxnRequest.newBuilder()
            // etcd evaluates every compare of the path before any write: x does not exist yet
            .addCompare(cmp("x", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(0))
            .addSuccess(putOp("inner", "ok"))
            .addSuccess(getOp("x"))
            .addFailure(putOp("inner", "bad"))
            .build();
    TxnResponse r =
        txn(
            TxnRequest.newBuilder()
                .addSuccess(putOp("x", "1"))
                .addSuccess(RequestOp.newBuilder().setRequestTxn(inner))
                .build());
    assertTrue(r.getSucceeded());
    TxnResponse in = r.getResponses(1).getResponseTxn();
    assertTrue(in.getSucceeded());
    assertEquals("1", str(in.getResponses(1).getResponseRange().getKvs(0).getValue()));
    assertEquals("ok", str(get("inner").orElseThrow().getValue()));
    assertEquals(5, get("inner").orElseThrow().getModRevision());
    assertEquals(5, store.currentRevision());
  }

  @Test
  void failingOpInsideTxnWritesNothing() throws Exception {
    try (ApplyBatch b = store.beginApply()) {
      assertCode(
          MvccException.Code.LEASE_NOT_FOUND,
          () ->
              b.txn(
                  TxnRequest.newBuilder()
                      .addSuccess(putOp("x", "1"))
                      .addSuccess(
                          RequestOp.newBuilder()
                              .setRequestPut(
                                  PutRequest.newBuilder().setKey(bs("y")).setLease(77)))
                      .build()));
      assertCode(
          MvccException.Code.KEY_NOT_FOUND,
          () ->
              b.txn(
                  TxnRequest.newBuilder()
                      .addSuccess(putOp("x", "1"))
                      .addSuccess(
                          RequestOp.newBuilder()
                              .setRequestPut(
                                  PutRequest.newBuilder().setKey(bs("nope")).setIgnoreValue(true)))
                      .build()));
      assertCode(
          MvccException.Code.VALUE_PROVIDED,
          () ->
              b.txn(
                  TxnRequest.newBuilder()
                      .addFailure(
                          RequestOp.newBuilder()
                              .setRequestPut(
                                  PutRequest.newBuilder()
                                      .setKey(bs("a"))
                                      .setValue(bs("v"))
                                      .setIgnoreValue(true)))
                      .build()));
      assertCode(
          MvccException.Code.FUTURE_REVISION,
          () ->
              b.txn(
                  TxnRequest.newBuilder()
                      .addSuccess(putOp("x", "1"))
                      .addSuccess(
                          RequestOp.newBuilder()
                              .setRequestRange(RangeRequest.newBuilder().setKey(bs("a")).setRevision(5)))
                      .build()));
      assertEquals(4, b.revision());
      assertTrue(b.events().isEmpty());
      b.commit(100, false);
    }
    assertEquals(4, store.currentRevision());
    assertTrue(get("x").isEmpty());
  }

  @Test
  void putInTxnKeepsCreateRevisionAndDetachesOldLease() throws Exception {
    TxnResponse r =
        txn(
            TxnRequest.newBuilder()
                .addSuccess(
                    RequestOp.newBuilder()
                        .setRequestPut(
                            PutRequest.newBuilder().setKey(bs("a")).setValue(bs("4")).setPrevKv(true)))
                .build());
    assertEquals("3", str(r.getResponses(0).getResponsePut().getPrevKv().getValue()));
    assertEquals(5, r.getResponses(0).getResponsePut().getHeader().getRevision());
    var a = get("a").orElseThrow();
    assertEquals(2, a.getCreateRevision());
    assertEquals(3, a.getVersion());
    assertEquals(0, a.getLease());
    assertTrue(store.lease(5).orElseThrow().keys().isEmpty());
  }
}
