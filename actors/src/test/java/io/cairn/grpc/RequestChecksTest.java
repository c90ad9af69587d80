package io.cairn.grpc;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.Compare;
import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import io.cairn.member.ServerLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RequestChecksTest {
  private static final int MAX_OPS = 128;

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static void assertError(EtcdError expected, Executable check) {
    EtcdException e = assertThrows(EtcdException.class, check);
    assertEquals(expected, e.error());
  }

  private static RequestOp put(String key) {
    return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b(key)).setValue(b("v"))).build();
  }

  private static RequestOp del(String key) {
    return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(b(key))).build();
  }

  private static RequestOp del(String key, String end) {
    return RequestOp.newBuilder()
        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(b(key)).setRangeEnd(b(end)))
        .build();
  }

  private static RequestOp get(String key) {
    return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(b(key))).build();
  }

  private static RequestOp txn(TxnRequest.Builder txn) {
    return RequestOp.newBuilder().setRequestTxn(txn).build();
  }

  private static void checkSuccess(RequestOp... ops) {
    TxnRequest.Builder txn = TxnRequest.newBuilder();
    for (RequestOp op : ops) {
      txn.addSuccess(op);
    }
    RequestChecks.checkTxn(txn.build(), MAX_OPS);
  }

  @Test
  void emptyKeysAreRefused() {
    assertError(EtcdError.EMPTY_KEY, () -> RequestChecks.checkRange(RangeRequest.getDefaultInstance()));
    assertError(EtcdError.EMPTY_KEY, () -> RequestChecks.checkPut(PutRequest.getDefaultInstance()));
    assertError(EtcdError.EMPTY_KEY, () -> RequestChecks.checkDelete(DeleteRangeRequest.getDefaultInstance()));
    assertDoesNotThrow(() -> RequestChecks.checkRange(RangeRequest.newBuilder().setKey(b("k")).build()));
  }

  @Test
  void putWithIgnoreValueOrIgnoreLeaseMustNotCarryThem() {
    assertError(
        EtcdError.VALUE_PROVIDED,
        () ->
            RequestChecks.checkPut(
                PutRequest.newBuilder().setKey(b("k")).setValue(b("v")).setIgnoreValue(true).build()));
    assertError(
        EtcdError.LEASE_PROVIDED,
        () -> RequestChecks.checkPut(PutRequest.newBuilder().setKey(b("k")).setLease(7).setIgnoreLease(true).build()));
    assertDoesNotThrow(
        () -> RequestChecks.checkPut(PutRequest.newBuilder().setKey(b("k")).setIgnoreValue(true).setIgnoreLease(true).build()));
  }

  @Test
  void txnOpsAreCountedPerBranchAgainstMaxTxnOps() {
    TxnRequest.Builder atLimit = TxnRequest.newBuilder();
    TxnRequest.Builder overLimit = TxnRequest.newBuilder();
    for (int i = 0; i < MAX_OPS; i++) {
      atLimit.addSuccess(get("k" + i)).addFailure(get("k" + i));
      overLimit.addFailure(get("k" + i));
    }
    overLimit.addFailure(get("one-more"));
    assertDoesNotThrow(() -> RequestChecks.checkTxn(atLimit.build(), MAX_OPS));
    assertError(EtcdError.TOO_MANY_OPS, () -> RequestChecks.checkTxn(overLimit.build(), MAX_OPS));
  }

  @Test
  void nestedTxnGetsWhatIsLeftOfTheBudget() {
    TxnRequest.Builder inner = TxnRequest.newBuilder().addSuccess(get("a")).addSuccess(get("b"));
    // Outer uses 3 of 4: the nested txn may have 1 op, has 2.
    TxnRequest outer = TxnRequest.newBuilder().addSuccess(txn(inner)).addSuccess(get("c")).addSuccess(get("d")).build();
    assertError(EtcdError.TOO_MANY_OPS, () -> RequestChecks.checkTxn(outer, 4));
    assertDoesNotThrow(() -> RequestChecks.checkTxn(outer, 5));
  }

  @Test
  void txnOpsAreCheckedRecursively() {
    assertError(
        EtcdError.EMPTY_KEY,
        () -> RequestChecks.checkTxn(TxnRequest.newBuilder().addCompare(Compare.getDefaultInstance()).build(), MAX_OPS));
    assertError(EtcdError.EMPTY_KEY, () -> checkSuccess(put("")));
    assertError(EtcdError.EMPTY_KEY, () -> checkSuccess(txn(TxnRequest.newBuilder().addFailure(del("")))));
    assertError(EtcdError.KEY_NOT_FOUND, () -> checkSuccess(RequestOp.getDefaultInstance()));
  }

  @Test
  void duplicatePutsAndOverlappingDeletesAreRefused() {
    assertError(EtcdError.DUPLICATE_KEY, () -> checkSuccess(put("a"), put("a")));
    assertError(EtcdError.DUPLICATE_KEY, () -> checkSuccess(put("a"), del("a")));
    assertError(EtcdError.DUPLICATE_KEY, () -> checkSuccess(del("a", "c"), put("b")));
    assertDoesNotThrow(() -> checkSuccess(del("a", "c"), put("c")));
    assertDoesNotThrow(() -> checkSuccess(del("a"), del("a")));
    assertDoesNotThrow(() -> checkSuccess(put("a"), put("b"), get("a")));
    // An empty interval end is +infinity in etcd's intervals, but a literal "\0" end covers nothing there.
    assertDoesNotThrow(() -> checkSuccess(del("a", "\0"), put("b")));
  }

  @Test
  void nestedTxnPutsMayRepeatAcrossThenAndElseButNotElsewhere() {
    TxnRequest.Builder bothBranches = TxnRequest.newBuilder().addSuccess(put("k")).addFailure(put("k"));
    assertDoesNotThrow(() -> checkSuccess(txn(bothBranches)));
    assertError(EtcdError.DUPLICATE_KEY, () -> checkSuccess(txn(bothBranches), put("k")));
    assertError(
        EtcdError.DUPLICATE_KEY,
        () -> checkSuccess(txn(TxnRequest.newBuilder().addSuccess(put("k"))), txn(TxnRequest.newBuilder().addFailure(put("k")))));
    assertError(EtcdError.DUPLICATE_KEY, () -> checkSuccess(del("j", "l"), txn(TxnRequest.newBuilder().addFailure(put("k")))));
    // A delete in one nested txn covers puts of a later nested txn at the same level.
    assertError(
        EtcdError.DUPLICATE_KEY,
        () -> checkSuccess(txn(TxnRequest.newBuilder().addSuccess(del("k"))), txn(TxnRequest.newBuilder().addSuccess(put("k")))));
  }

  @Test
  void failureBranchIsCheckedOnItsOwn() {
    TxnRequest sameKeyInBothTopBranches =
        TxnRequest.newBuilder().addSuccess(put("k")).addFailure(put("k")).build();
    assertDoesNotThrow(() -> RequestChecks.checkTxn(sameKeyInBothTopBranches, MAX_OPS));
    TxnRequest duplicateInFailure = TxnRequest.newBuilder().addFailure(put("k")).addFailure(put("k")).build();
    assertError(EtcdError.DUPLICATE_KEY, () -> RequestChecks.checkTxn(duplicateInFailure, MAX_OPS));
  }

  @Test
  void grpcReceiveLimitIsMaxRequestBytesPlusEtcdsOverhead() {
    assertEquals(1024 + 512 * 1024, RequestChecks.maxReceiveMessageBytes(new ServerLimits(1024, 128, 1L << 30)));
  }
}
