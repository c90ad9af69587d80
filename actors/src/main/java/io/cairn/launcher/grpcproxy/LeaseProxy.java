package io.cairn.launcher.grpcproxy;

import akka.NotUsed;
import akka.grpc.javadsl.Metadata;
import akka.stream.javadsl.Source;
import io.cairn.api.etcdserverpb.LeaseClient;
import io.cairn.api.etcdserverpb.LeaseGrantRequest;
import io.cairn.api.etcdserverpb.LeaseGrantResponse;
import io.cairn.api.etcdserverpb.LeaseKeepAliveRequest;
import io.cairn.api.etcdserverpb.LeaseKeepAliveResponse;
import io.cairn.api.etcdserverpb.LeaseLeasesRequest;
import io.cairn.api.etcdserverpb.LeaseLeasesResponse;
import io.cairn.api.etcdserverpb.LeasePowerApi;
import io.cairn.api.etcdserverpb.LeaseRevokeRequest;
import io.cairn.api.etcdserverpb.LeaseRevokeResponse;
import io.cairn.api.etcdserverpb.LeaseTimeToLiveRequest;
import io.cairn.api.etcdserverpb.LeaseTimeToLiveResponse;
import java.util.concurrent.CompletionStage;

/** Lease forwarded; TimeToLive's keys through the {@link Namespace}; one member stream per keep-alive stream. */
final class LeaseProxy implements LeasePowerApi {
  private final LeaseClient client;
  private final Namespace ns;

  LeaseProxy(LeaseClient client, Namespace ns) {
    this.client = client;
    this.ns = ns;
  }

  @Override
  public CompletionStage<LeaseGrantResponse> leaseGrant(LeaseGrantRequest in, Metadata md) {
    return CallMetadata.forward(client.leaseGrant(), md).invoke(in);
  }

  @Override
  public CompletionStage<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest in, Metadata md) {
    return CallMetadata.forward(client.leaseRevoke(), md).invoke(in);
  }

  @Override
  public Source<LeaseKeepAliveResponse, NotUsed> leaseKeepAlive(Source<LeaseKeepAliveRequest, NotUsed> in, Metadata md) {
    return CallMetadata.forward(client.leaseKeepAlive(), md).invoke(in);
  }

  @Override
  public CompletionStage<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest in, Metadata md) {
    return CallMetadata.forward(client.leaseTimeToLive(), md).invoke(in).thenApply(ns::out);
  }

  @Override
  public CompletionStage<LeaseLeasesResponse> leaseLeases(LeaseLeasesRequest in, Metadata md) {
    return CallMetadata.forward(client.leaseLeases(), md).invoke(in);
  }
}
