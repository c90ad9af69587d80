package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.Compare;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.mvccpb.KeyValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-only half of etcd's Txn apply ({@code etcdserver/apply.go}): evaluating compares into the
 * path taken through (nested) txns, and the checks etcd runs on that path before it writes anything, so a
 * txn fails as a whole or not at all.
 */
final class TxnEvaluator {
  private TxnEvaluator() {}

  /**
   * The branch a txn takes, with the branches of the txns nested in it. As etcd's {@code compareToPath},
   * every compare, nested ones included, is evaluated against the state before the txn writes anything.
   */
  record Plan(boolean succeeded, List<RequestOp> ops, Map<Integer, Plan> nested) {}

  static Plan plan(Overlay view, TxnRequest rt) {
    boolean ok = true;
    for (Compare c : rt.getCompareList()) {
      if (!applyCompare(view, c)) {
        ok = false;
        break;
      }
    }
    List<RequestOp> ops = ok ? rt.getSuccessList() : rt.getFailureList();
    Map<Integer, Plan> nested = new HashMap<>();
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i).hasRequestTxn()) {
        nested.put(i, plan(view, ops.get(i).getRequestTxn()));
      }
    }
    return new Plan(ok, ops, nested);
  }

  /**
   * All keys of the compare's range must satisfy it. A missing key compares as a zero KeyValue, except
   * that a VALUE compare on a missing key always fails (nil and empty are the same in gRPC).
   */
  static boolean applyCompare(Overlay view, Compare c) {
    boolean[] any = {false};
    boolean[] all = {true};
    view.forEachLive(
        KeyRange.of(c.getKey(), c.getRangeEnd()),
        view.currentRevision(),
        (key, state) -> {
          any[0] = true;
          KeyValue kv = needsValue(c) ? view.read(state.modified()) : fromState(key, state);
          if (!compareKV(c, kv)) {
            all[0] = false;
            return false;
          }
          return true;
        });
    if (!any[0]) {
      return c.getTarget() != Compare.CompareTarget.VALUE
          && compareKV(c, KeyValue.getDefaultInstance());
    }
    return all[0];
  }

  private static boolean needsValue(Compare c) {
    return c.getTarget() == Compare.CompareTarget.VALUE
        || c.getTarget() == Compare.CompareTarget.LEASE;
  }

  private static KeyValue fromState(ByteString key, KeyState s) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setCreateRevision(s.created())
        .setModRevision(s.modified().main())
        .setVersion(s.version())
        .build();
  }

  /** etcd's {@code compareKV}: a target_union of another kind than the target counts as zero / empty. */
  static boolean compareKV(Compare c, KeyValue kv) {
    int result;
    Compare.TargetUnionCase u = c.getTargetUnionCase();
    switch (c.getTarget()) {
      case VALUE -> {
        ByteString v = u == Compare.TargetUnionCase.VALUE ? c.getValue() : ByteString.EMPTY;
        result = Integer.signum(KeyOrder.UNSIGNED.compare(kv.getValue(), v));
      }
      case CREATE ->
          result =
              Long.compare(
                  kv.getCreateRevision(),
                  u == Compare.TargetUnionCase.CREATE_REVISION ? c.getCreateRevision() : 0);
      case MOD ->
          result =
              Long.compare(
                  kv.getModRevision(),
                  u == Compare.TargetUnionCase.MOD_REVISION ? c.getModRevision() : 0);
      case VERSION ->
          result =
              Long.compare(kv.getVersion(), u == Compare.TargetUnionCase.VERSION ? c.getVersion() : 0);
      case LEASE ->
          result = Long.compare(kv.getLease(), u == Compare.TargetUnionCase.LEASE ? c.getLease() : 0);
      default -> result = 0;
    }
    return switch (c.getResult()) {
      case EQUAL -> result == 0;
      case NOT_EQUAL -> result != 0;
      case GREATER -> result > 0;
      case LESS -> result < 0;
      default -> true;
    };
  }

  /**
   * The gRPC layer's request checks (etcd's {@code checkPutRequest} over both branches of every txn):
   * ignore_value with a value, ignore_lease with a lease.
   */
  static void checkProvided(TxnRequest rt) throws MvccException {
    for (List<RequestOp> ops : List.of(rt.getSuccessList(), rt.getFailureList())) {
      for (RequestOp op : ops) {
        if (op.hasRequestPut()) {
          checkProvided(op.getRequestPut());
        } else if (op.hasRequestTxn()) {
          checkProvided(op.getRequestTxn());
        }
      }
    }
  }

  static void checkProvided(PutRequest p) throws MvccException {
    if (p.getIgnoreValue() && !p.getValue().isEmpty()) {
      throw new MvccException(MvccException.Code.VALUE_PROVIDED);
    }
    if (p.getIgnoreLease() && p.getLease() != 0) {
      throw new MvccException(MvccException.Code.LEASE_PROVIDED);
    }
  }

  /**
   * etcd's {@code checkRequestPut} then {@code checkRequestRange} over the chosen path: puts that need an
   * existing key or lease, and ranges at a future or compacted revision.
   */
  static void checkPath(Overlay view, Plan plan) throws MvccException {
    checkPuts(view, plan);
    checkRanges(view, plan);
  }

  private static void checkPuts(Overlay view, Plan plan) throws MvccException {
    for (int i = 0; i < plan.ops().size(); i++) {
      RequestOp op = plan.ops().get(i);
      if (op.hasRequestPut()) {
        PutRequest p = op.getRequestPut();
        if ((p.getIgnoreValue() || p.getIgnoreLease()) && view.latest(p.getKey()) == null) {
          throw new MvccException(MvccException.Code.KEY_NOT_FOUND);
        }
        if (p.getLease() != 0 && !view.leaseExists(p.getLease())) {
          throw new MvccException(MvccException.Code.LEASE_NOT_FOUND);
        }
      } else if (op.hasRequestTxn()) {
        checkPuts(view, plan.nested().get(i));
      }
    }
  }

  private static void checkRanges(Overlay view, Plan plan) throws MvccException {
    for (int i = 0; i < plan.ops().size(); i++) {
      RequestOp op = plan.ops().get(i);
      if (op.hasRequestRange()) {
        RangeRequest r = op.getRequestRange();
        if (r.getRevision() == 0) {
          continue;
        }
        if (r.getRevision() > view.currentRevision()) {
          throw new MvccException(MvccException.Code.FUTURE_REVISION);
        }
        if (r.getRevision() < view.compactRevision()) {
          throw new MvccException(MvccException.Code.COMPACTED);
        }
      } else if (op.hasRequestTxn()) {
        checkRanges(view, plan.nested().get(i));
      }
    }
  }
}
