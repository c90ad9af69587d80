package io.cairn.launcher.grpcproxy;

import akka.NotUsed;
import akka.grpc.javadsl.Metadata;
import akka.stream.javadsl.Source;
import io.cairn.api.v3electionpb.CampaignRequest;
import io.cairn.api.v3electionpb.CampaignResponse;
import io.cairn.api.v3electionpb.ElectionClient;
import io.cairn.api.v3electionpb.ElectionPowerApi;
import io.cairn.api.v3electionpb.LeaderRequest;
import io.cairn.api.v3electionpb.LeaderResponse;
import io.cairn.api.v3electionpb.ProclaimRequest;
import io.cairn.api.v3electionpb.ProclaimResponse;
import io.cairn.api.v3electionpb.ResignRequest;
import io.cairn.api.v3electionpb.ResignResponse;
import java.util.concurrent.CompletionStage;

/**
 * Election forwarded. As with {@link LockProxy}, etcd's election server runs over the namespaced client: election
 * names and leader keys get the prefix on the way in and lose it on the way out (Observe's stream too).
 */
final class ElectionProxy implements ElectionPowerApi {
  private final ElectionClient client;
  private final Namespace ns;

  ElectionProxy(ElectionClient client, Namespace ns) {
    this.client = client;
    this.ns = ns;
  }

  @Override
  public CompletionStage<CampaignResponse> campaign(CampaignRequest in, Metadata md) {
    CampaignRequest prefixed = in.toBuilder().setName(ns.key(in.getName())).build();
    return CallMetadata.forward(client.campaign(), md).invoke(prefixed)
        .thenApply(r -> r.hasLeader() ? r.toBuilder().setLeader(ns.out(r.getLeader())).build() : r);
  }

  @Override
  public CompletionStage<ProclaimResponse> proclaim(ProclaimRequest in, Metadata md) {
    ProclaimRequest prefixed = in.hasLeader() ? in.toBuilder().setLeader(ns.in(in.getLeader())).build() : in;
    return CallMetadata.forward(client.proclaim(), md).invoke(prefixed);
  }

  @Override
  public CompletionStage<LeaderResponse> leader(LeaderRequest in, Metadata md) {
    return CallMetadata.forward(client.leader(), md).invoke(prefixed(in)).thenApply(this::unprefixed);
  }

  @Override
  public Source<LeaderResponse, NotUsed> observe(LeaderRequest in, Metadata md) {
    return CallMetadata.forward(client.observe(), md).invoke(prefixed(in)).map(this::unprefixed);
  }

  @Override
  public CompletionStage<ResignResponse> resign(ResignRequest in, Metadata md) {
    ResignRequest prefixed = in.hasLeader() ? in.toBuilder().setLeader(ns.in(in.getLeader())).build() : in;
    return CallMetadata.forward(client.resign(), md).invoke(prefixed);
  }

  private LeaderRequest prefixed(LeaderRequest in) {
    return in.toBuilder().setName(ns.key(in.getName())).build();
  }

  private LeaderResponse unprefixed(LeaderResponse r) {
    return r.hasKv() ? r.toBuilder().setKv(ns.out(r.getKv())).build() : r;
  }
}
