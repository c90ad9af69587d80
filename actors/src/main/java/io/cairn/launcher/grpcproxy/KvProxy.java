package io.cairn.launcher.grpcproxy;

import akka.grpc.javadsl.Metadata;
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
import java.util.concurrent.CompletionStage;

/** KV forwarded to the members through the {@link Namespace} (etcd's kvProxy over a namespace.NewKV client). */
final class KvProxy implements KVPowerApi {
  private final KVClient client;
  private final Namespace ns;

  KvProxy(KVClient client, Namespace ns) {
    this.client = client;
    this.ns = ns;
  }

  @Override
  public CompletionStage<RangeResponse> range(RangeRequest in, Metadata md) {
    return GrpcErrors.call(() -> {
      ns.requireKey(in.getKey());
      return CallMetadata.forward(client.range(), md).invoke(ns.in(in)).thenApply(ns::out);
    });
  }

  @Override
  public CompletionStage<PutResponse> put(PutRequest in, Metadata md) {
    return GrpcErrors.call(() -> {
      ns.requireKey(in.getKey());
      return CallMetadata.forward(client.put(), md).invoke(ns.in(in)).thenApply(ns::out);
    });
  }

  @Override
  public CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest in, Metadata md) {
    return GrpcErrors.call(() -> {
      ns.requireKey(in.getKey());
      return CallMetadata.forward(client.deleteRange(), md).invoke(ns.in(in)).thenApply(ns::out);
    });
  }

  @Override
  public CompletionStage<TxnResponse> txn(TxnRequest in, Metadata md) {
    return CallMetadata.forward(client.txn(), md).invoke(ns.in(in)).thenApply(ns::out);
  }

  @Override
  public CompletionStage<CompactionResponse> compact(CompactionRequest in, Metadata md) {
    return CallMetadata.forward(client.compact(), md).invoke(in);
  }
}
