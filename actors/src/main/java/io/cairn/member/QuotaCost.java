package io.cairn.member;

import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.api.etcdserverpb.TxnRequest;

/**
 * etcd 3.4's backendQuota.Cost: the bytes a request may add to the backend. Only Put, Txn with top-level
 * puts and LeaseGrant cost anything; etcd looks at a txn's top-level ops only, and so does Cairn.
 */
public final class QuotaCost {
  /** etcd quota.go kvOverhead: the cost of a key's MVCC bookkeeping. */
  static final int KV_OVERHEAD_BYTES = 256;
  /** etcd quota.go leaseOverhead. */
  static final int LEASE_OVERHEAD_BYTES = 64;

  private QuotaCost() {}

  public static long put(PutRequest r) {
    return (long) r.getKey().size() + r.getValue().size() + KV_OVERHEAD_BYTES;
  }

  /** max(cost of the success ops, cost of the failure ops), as etcd costTxn. */
  public static long txn(TxnRequest r) {
    long success = 0;
    for (RequestOp op : r.getSuccessList()) {
      if (op.hasRequestPut()) {
        success += put(op.getRequestPut());
      }
    }
    long failure = 0;
    for (RequestOp op : r.getFailureList()) {
      if (op.hasRequestPut()) {
        failure += put(op.getRequestPut());
      }
    }
    return Math.max(success, failure);
  }

  public static long lease() {
    return LEASE_OVERHEAD_BYTES;
  }
}
