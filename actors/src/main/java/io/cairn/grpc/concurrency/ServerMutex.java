package io.cairn.grpc.concurrency;

import akka.stream.Materializer;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.api.mvccpb.KeyValue;
import io.cairn.api.v3lockpb.LockResponse;
import io.cairn.api.v3lockpb.UnlockResponse;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** etcd v3lock's Lock/Unlock: clientv3/concurrency/mutex.go run server-side on the request's lease. */
public final class ServerMutex {
  private final ConcurrencyKv kv;
  private final SessionLeases sessions;
  private final PredecessorWait predecessors;
  private final WaiterLimit waiters;

  public ServerMutex(ConcurrencyKv kv, Materializer materializer) {
    this(kv, materializer, WaiterLimit.DEFAULT_MAX_WAITERS);
  }

  ServerMutex(ConcurrencyKv kv, Materializer materializer, int maxWaiters) {
    this.kv = kv;
    this.sessions = new SessionLeases(kv);
    this.predecessors = new PredecessorWait(kv, materializer);
    this.waiters = new WaiterLimit(maxWaiters);
  }

  public CompletionStage<LockResponse> lock(ByteString name, long requestedLeaseId) {
    return sessions.leaseFor(requestedLeaseId).thenCompose(leaseId -> lockWith(name, leaseId));
  }

  private CompletionStage<LockResponse> lockWith(ByteString name, long leaseId) {
    ByteString prefix = RecipeKeys.prefix(name);
    ByteString ownKey = RecipeKeys.ownKey(prefix, leaseId);
    // mutex.go Lock: put our key unless this session already has one (re-entrant), and fetch the owner in
    // the same txn so the uncontended path takes one round trip.
    TxnRequest txn =
        TxnRequest.newBuilder()
            .addCompare(RecipeKeys.createRevisionEquals(ownKey, 0))
            .addSuccess(RecipeKeys.putOp(ownKey, ByteString.EMPTY, leaseId))
            .addSuccess(RecipeKeys.rangeOp(RecipeKeys.firstCreate(prefix)))
            .addFailure(RecipeKeys.rangeOp(RecipeKeys.get(ownKey)))
            .addFailure(RecipeKeys.rangeOp(RecipeKeys.firstCreate(prefix)))
            .build();
    return kv.txn(txn)
        .thenCompose(
            resp -> {
              long ownRevision =
                  resp.getSucceeded()
                      ? resp.getHeader().getRevision()
                      : resp.getResponses(0).getResponseRange().getKvs(0).getCreateRevision();
              List<KeyValue> owner = resp.getResponses(1).getResponseRange().getKvsList();
              if (owner.isEmpty() || owner.get(0).getCreateRevision() == ownRevision) {
                return CompletableFuture.completedFuture(response(resp, ownKey));
              }
              return waiters
                  .guard(() -> predecessors.await(prefix, ownKey, ownRevision))
                  .handle(
                      (header, failure) -> {
                        if (failure == null) {
                          return CompletableFuture.completedStage(
                              LockResponse.newBuilder().setHeader(header).setKey(ownKey).build());
                        }
                        return releaseAfterFailure(ownKey, failure);
                      })
                  .thenCompose(stage -> stage);
            });
  }

  /** mutex.go Lock: "release lock key if wait failed" (not needed when the key is already gone). */
  private CompletionStage<LockResponse> releaseAfterFailure(ByteString ownKey, Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof EtcdException e && e.error() == EtcdError.LEASE_NOT_FOUND) {
      return CompletableFuture.failedStage(cause);
    }
    return unlock(ownKey)
        .handle((ignored, unlockFailure) -> null)
        .thenCompose(ignored -> CompletableFuture.failedStage(cause));
  }

  /** v3lock Unlock: a plain delete of the key, whoever holds it. */
  public CompletionStage<UnlockResponse> unlock(ByteString key) {
    TxnRequest txn = TxnRequest.newBuilder().addSuccess(RecipeKeys.deleteOp(key)).build();
    return kv.txn(txn).thenApply(resp -> UnlockResponse.newBuilder().setHeader(resp.getHeader()).build());
  }

  int waiting() {
    return waiters.waiting();
  }

  private static LockResponse response(TxnResponse resp, ByteString ownKey) {
    return LockResponse.newBuilder().setHeader(resp.getHeader()).setKey(ownKey).build();
  }

  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
