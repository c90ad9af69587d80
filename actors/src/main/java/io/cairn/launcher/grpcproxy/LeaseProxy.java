package io.cairn.launcher.grpcproxy;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.grpc.javadsl.Metadata;
import akka.stream.Materializer;
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

/**
 * Lease forwarded; TimeToLive's keys through the {@link Namespace}. Keep-alive streams are coalesced as etcd's proxy
 * does (proxy/grpcproxy/lease.go): client streams with the same forwarded metadata share one member stream, each
 * getting the answers to its own requests ({@link LeaseKeepAliveHub}).
 */
final class LeaseProxy implements LeasePowerApi {
  private final LeaseClient client;
  private final Namespace ns;
  private final LeaseKeepAliveHub keepAlives;

  LeaseProxy(LeaseClient client, Namespace ns, ActorSystem<?> system) {
    this.client = client;
    this.ns = ns;
    this.keepAlives = new LeaseKeepAliveHub(
        (requests, md) -> CallMetadata.forward(client.leaseKeepAlive(), md).invoke(requests),
        LeaseKeepAliveHub.MAX_WAITING, LeaseKeepAliveHub.MAX_UNREAD, Materializer.matFromSystem(system));
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
    return keepAlives.keepAlive(in, md);
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
