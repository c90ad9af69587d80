package io.cairn.grpc;

import io.cairn.api.etcdserverpb.Compare;
import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.member.EtcdError;
import io.cairn.member.ServerLimits;

/**
 * The request validation etcd 3.4 does before proposing (etcdserver/api/v3rpc/key.go). Each check throws the
 * EtcdException etcd answers. The size check of etcd's processInternalRaftRequestOnce is the member's: it
 * measures the log entry every proposer (KV, Lease, Lock, Election) hands it, header included.
 */
public final class RequestChecks {
  /** etcd's grpcOverheadBytes: the gRPC receive limit is --max-request-bytes plus this (v3rpc/grpc.go). */
  public static final long GRPC_OVERHEAD_BYTES = 512 * 1024;

  private RequestChecks() {}

  public static void checkRange(RangeRequest request) {
    if (request.getKey().isEmpty()) {
      throw EtcdError.EMPTY_KEY.exception();
    }
  }

  public static void checkPut(PutRequest request) {
    if (request.getKey().isEmpty()) {
      throw EtcdError.EMPTY_KEY.exception();
    }
    if (request.getIgnoreValue() && !request.getValue().isEmpty()) {
      throw EtcdError.VALUE_PROVIDED.exception();
    }
    if (request.getIgnoreLease() && request.getLease() != 0) {
      throw EtcdError.LEASE_PROVIDED.exception();
    }
  }

  public static void checkDelete(DeleteRangeRequest request) {
    if (request.getKey().isEmpty()) {
      throw EtcdError.EMPTY_KEY.exception();
    }
  }

  /** kvServer.Txn: the recursive request checks, then the put/delete overlap checks of each branch. */
  public static void checkTxn(TxnRequest request, int maxTxnOps) {
    checkTxnOps(request, maxTxnOps);
    // etcd checks overlaps after the op checks "to avoid quadratic blowup" on oversized requests.
    TxnIntervals.check(request.getSuccessList());
    TxnIntervals.check(request.getFailureList());
  }

  /**
   * etcd's checkTxnRequest: the largest of compare/success/failure counts against maxTxnOps; nested txns get
   * what is left of the budget (maxTxnOps - that count).
   */
  static void checkTxnOps(TxnRequest request, int maxTxnOps) {
    int opCount =
        Math.max(request.getCompareCount(), Math.max(request.getSuccessCount(), request.getFailureCount()));
    if (opCount > maxTxnOps) {
      throw EtcdError.TOO_MANY_OPS.exception();
    }
    for (Compare compare : request.getCompareList()) {
      if (compare.getKey().isEmpty()) {
        throw EtcdError.EMPTY_KEY.exception();
      }
    }
    for (RequestOp op : request.getSuccessList()) {
      checkRequestOp(op, maxTxnOps - opCount);
    }
    for (RequestOp op : request.getFailureList()) {
      checkRequestOp(op, maxTxnOps - opCount);
    }
  }

  private static void checkRequestOp(RequestOp op, int maxTxnOps) {
    switch (op.getRequestCase()) {
      case REQUEST_RANGE -> checkRange(op.getRequestRange());
      case REQUEST_PUT -> checkPut(op.getRequestPut());
      case REQUEST_DELETE_RANGE -> checkDelete(op.getRequestDeleteRange());
      case REQUEST_TXN -> checkTxnOps(op.getRequestTxn(), maxTxnOps);
        // etcd: "empty op / nil entry" is answered with ErrGRPCKeyNotFound.
      case REQUEST_NOT_SET -> throw EtcdError.KEY_NOT_FOUND.exception();
    }
  }

  /** etcd's grpc.MaxRecvMsgSize for the client server: --max-request-bytes + 512 KiB. */
  public static long maxReceiveMessageBytes(ServerLimits limits) {
    return limits.maxRequestBytes() + GRPC_OVERHEAD_BYTES;
  }
}
