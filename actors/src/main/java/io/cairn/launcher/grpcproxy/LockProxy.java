package io.cairn.launcher.grpcproxy;

import akka.grpc.javadsl.Metadata;
import io.cairn.api.v3lockpb.LockClient;
import io.cairn.api.v3lockpb.LockPowerApi;
import io.cairn.api.v3lockpb.LockRequest;
import io.cairn.api.v3lockpb.LockResponse;
import io.cairn.api.v3lockpb.UnlockRequest;
import io.cairn.api.v3lockpb.UnlockResponse;
import java.util.concurrent.CompletionStage;

/**
 * Lock forwarded. etcd's proxy runs its lock server over the namespaced client, so the lock's name and the returned
 * key live under the namespace: the name and Unlock's key get the prefix, the Lock's key loses it.
 */
final class LockProxy implements LockPowerApi {
  private final LockClient client;
  private final Namespace ns;

  LockProxy(LockClient client, Namespace ns) {
    this.client = client;
    this.ns = ns;
  }

  @Override
  public CompletionStage<LockResponse> lock(LockRequest in, Metadata md) {
    LockRequest prefixed = in.toBuilder().setName(ns.key(in.getName())).build();
    return CallMetadata.forward(client.lock(), md).invoke(prefixed)
        .thenApply(r -> r.toBuilder().setKey(ns.strip(r.getKey())).build());
  }

  @Override
  public CompletionStage<UnlockResponse> unlock(UnlockRequest in, Metadata md) {
    UnlockRequest prefixed = in.toBuilder().setKey(ns.key(in.getKey())).build();
    return CallMetadata.forward(client.unlock(), md).invoke(prefixed);
  }
}
