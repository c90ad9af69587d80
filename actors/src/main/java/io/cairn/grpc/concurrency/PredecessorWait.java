package io.cairn.grpc.concurrency;

import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.mvccpb.Event;
import io.cairn.api.mvccpb.KeyValue;
import io.cairn.member.EtcdError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * etcd clientv3/concurrency/key.go waitDeletes: waits until no key under the prefix has a create revision
 * below ours, by watching the newest older key for its DELETE, again and again.
 *
 * <p>Unlike etcd 3.4, our own key is watched too: if it disappears (its lease expired or was revoked) the
 * wait fails with LEASE_NOT_FOUND instead of going on to "acquire" a lock nobody holds (etcd 3.5 added the
 * same check, as ErrSessionExpired). This is what bounds a wait whose client went away: Akka gRPC does not
 * tell a unary handler about cancellation, but the waiter's lease runs out.
 */
final class PredecessorWait {
  private final ConcurrencyKv kv;
  private final Materializer materializer;

  PredecessorWait(ConcurrencyKv kv, Materializer materializer) {
    this.kv = kv;
    this.materializer = materializer;
  }

  /**
   * Completes with the header of the read that found no predecessor left; fails with LEASE_NOT_FOUND if
   * {@code ownKey} (created at {@code ownCreateRevision}) is gone.
   */
  CompletionStage<ResponseHeader> await(ByteString prefix, ByteString ownKey, long ownCreateRevision) {
    return kv.range(RecipeKeys.lastCreateUpTo(prefix, ownCreateRevision - 1))
        .thenCompose(
            predecessors ->
                kv.range(RecipeKeys.get(ownKey))
                    .thenCompose(own -> next(prefix, ownKey, ownCreateRevision, predecessors, own)));
  }

  private CompletionStage<ResponseHeader> next(
      ByteString prefix, ByteString ownKey, long ownCreateRevision, RangeResponse predecessors, RangeResponse own) {
    // Read after the predecessors: once none is older than us none ever will be (create revisions only
    // grow), so "no predecessor, own key still there" is a consistent moment to own the lock.
    if (own.getKvsCount() == 0 || own.getKvs(0).getCreateRevision() != ownCreateRevision) {
      return CompletableFuture.failedFuture(EtcdError.LEASE_NOT_FOUND.exception());
    }
    if (predecessors.getKvsCount() == 0) {
      return CompletableFuture.completedFuture(predecessors.getHeader());
    }
    KeyValue predecessor = predecessors.getKvs(0);
    long fromRevision = predecessors.getHeader().getRevision();
    return kv.events(predecessor.getKey(), ByteString.EMPTY, fromRevision)
        .merge(kv.events(ownKey, ByteString.EMPTY, fromRevision))
        .filter(ev -> ev.getType() == Event.EventType.DELETE)
        .runWith(Sink.head(), materializer)
        .thenCompose(
            deleted ->
                deleted.getKv().getKey().equals(ownKey)
                    ? CompletableFuture.failedFuture(EtcdError.LEASE_NOT_FOUND.exception())
                    : await(prefix, ownKey, ownCreateRevision));
  }
}
