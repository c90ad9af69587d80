package io.cairn.launcher.grpcproxy;

import akka.grpc.javadsl.Metadata;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.CompactionRequest;
import io.cairn.api.etcdserverpb.CompactionResponse;
import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.DeleteRangeResponse;
import io.cairn.api.etcdserverpb.KVClient;
import io.cairn.api.etcdserverpb.KVPowerApi;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.grpc.GrpcErrors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * KV forwarded to the members through the {@link Namespace} (etcd's kvProxy over a namespace.NewKV client), with
 * etcd's {@link RangeCache} in front: serializable ranges are answered from it when they can be, every range's answer
 * is stored, and writes through the proxy invalidate what they touch. As in etcd, the cache sits outside the
 * namespace: it sees the keys and answers the client sees.
 */
final class KvProxy implements KVPowerApi {
  private final KVClient client;
  private final Namespace ns;
  private final RangeCache cache;

  KvProxy(KVClient client, Namespace ns, RangeCache cache) {
    this.client = client;
    this.ns = ns;
    this.cache = cache;
  }

  @Override
  public CompletionStage<RangeResponse> range(RangeRequest in, Metadata md) {
    return GrpcErrors.call(() -> {
      if (in.getSerializable()) {
        RangeResponse cached = cache.get(in); // may throw etcd's compacted error, as etcd's cache answers it
        if (cached != null) {
          return CompletableFuture.completedFuture(cached);
        }
      }
      ns.requireKey(in.getKey());
      long sentAt = cache.writeMark();
      return CallMetadata.forward(client.range(), md).invoke(ns.in(in)).thenApply(ns::out).thenApply(response -> {
        // etcd: "cache linearizable as serializable"
        cache.add(RangeCache.asSerializable(in), response, sentAt);
        return response;
      });
    });
  }

  @Override
  public CompletionStage<PutResponse> put(PutRequest in, Metadata md) {
    return GrpcErrors.call(() -> {
      // etcd invalidates before forwarding; again once the member answered, so that a range sent meanwhile, which
      // may bring back the old value, is not stored (RangeCache.add) or is dropped (etcd keeps it until a write)
      cache.invalidate(in.getKey(), ByteString.EMPTY);
      ns.requireKey(in.getKey());
      return CallMetadata.forward(client.put(), md).invoke(ns.in(in)).thenApply(ns::out)
          .whenComplete((response, failure) -> cache.invalidate(in.getKey(), ByteString.EMPTY));
    });
  }

  @Override
  public CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest in, Metadata md) {
    return GrpcErrors.call(() -> {
      cache.invalidate(in.getKey(), in.getRangeEnd());
      ns.requireKey(in.getKey());
      return CallMetadata.forward(client.deleteRange(), md).invoke(ns.in(in)).thenApply(ns::out)
          .whenComplete((response, failure) -> cache.invalidate(in.getKey(), in.getRangeEnd()));
    });
  }

  @Override
  public CompletionStage<TxnResponse> txn(TxnRequest in, Metadata md) {
    long sentAt = cache.writeMark();
    return GrpcErrors.call(() -> CallMetadata.forward(client.txn(), md).invoke(ns.in(in)).thenApply(ns::out)
        .thenApply(response -> {
          cache.txn(in, response, sentAt);
          return response;
        }));
  }

  @Override
  public CompletionStage<CompactionResponse> compact(CompactionRequest in, Metadata md) {
    return CallMetadata.forward(client.compact(), md).invoke(in).thenApply(response -> {
      cache.compact(in.getRevision());
      return response;
    });
  }
}
