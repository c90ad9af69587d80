package io.cairn.launcher.grpcproxy;

import akka.grpc.javadsl.Metadata;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.ClusterClient;
import io.cairn.api.etcdserverpb.ClusterPowerApi;
import io.cairn.api.etcdserverpb.KVClient;
import io.cairn.api.etcdserverpb.Member;
import io.cairn.api.etcdserverpb.MemberAddRequest;
import io.cairn.api.etcdserverpb.MemberAddResponse;
import io.cairn.api.etcdserverpb.MemberListRequest;
import io.cairn.api.etcdserverpb.MemberListResponse;
import io.cairn.api.etcdserverpb.MemberPromoteRequest;
import io.cairn.api.etcdserverpb.MemberPromoteResponse;
import io.cairn.api.etcdserverpb.MemberRemoveRequest;
import io.cairn.api.etcdserverpb.MemberRemoveResponse;
import io.cairn.api.etcdserverpb.MemberUpdateRequest;
import io.cairn.api.etcdserverpb.MemberUpdateResponse;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.grpc.KeyRanges;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Cluster calls forwarded, except MemberList, answered as etcd 3.4's clusterProxy does: with an advertise address and
 * a resolver prefix, one member per proxy registered under the prefix (ID 0, name = its host name, client URL = its
 * advertised address); with no registration found or no prefix, only this proxy; with an empty advertise address,
 * the members' own list. etcd keeps the registrations from a watch; this reads them at each call (same answer).
 */
final class ClusterProxy implements ClusterPowerApi {
  private final ClusterClient client;
  private final KVClient kv;
  private final Namespace ns;
  private final String advertiseClientUrl;
  private final String resolverPrefix;
  private final String hostname;

  ClusterProxy(MemberClients members, Namespace ns, String advertiseClientUrl, String resolverPrefix,
      String hostname) {
    this.client = members.cluster;
    this.kv = members.kv;
    this.ns = ns;
    this.advertiseClientUrl = advertiseClientUrl;
    this.resolverPrefix = resolverPrefix;
    this.hostname = hostname;
  }

  @Override
  public CompletionStage<MemberListResponse> memberList(MemberListRequest in, Metadata md) {
    if (advertiseClientUrl.isEmpty()) {
      return CallMetadata.forward(client.memberList(), md).invoke(in);
    }
    MemberListResponse self = MemberListResponse.newBuilder()
        .addMembers(Member.newBuilder().setName(hostname).addClientURLs(advertiseClientUrl)).build();
    if (resolverPrefix.isEmpty()) {
      return CompletableFuture.completedFuture(self);
    }
    ByteString key = ns.key(ByteString.copyFromUtf8(resolverPrefix + "/"));
    RangeRequest registered = RangeRequest.newBuilder().setKey(key).setRangeEnd(KeyRanges.prefixEnd(key)).build();
    return kv.range().invoke(registered).thenApply(r -> {
      MemberListResponse.Builder list = MemberListResponse.newBuilder();
      r.getKvsList().stream()
          .map(kv -> ResolverEntry.parse(kv.getValue().toStringUtf8()))
          .filter(e -> e != null)
          .forEach(e -> list.addMembers(Member.newBuilder().setName(e.name()).addClientURLs(e.addr())));
      return list.getMembersCount() > 0 ? list.build() : self;
    });
  }

  @Override
  public CompletionStage<MemberAddResponse> memberAdd(MemberAddRequest in, Metadata md) {
    return CallMetadata.forward(client.memberAdd(), md).invoke(in);
  }

  @Override
  public CompletionStage<MemberRemoveResponse> memberRemove(MemberRemoveRequest in, Metadata md) {
    return CallMetadata.forward(client.memberRemove(), md).invoke(in);
  }

  @Override
  public CompletionStage<MemberUpdateResponse> memberUpdate(MemberUpdateRequest in, Metadata md) {
    return CallMetadata.forward(client.memberUpdate(), md).invoke(in);
  }

  @Override
  public CompletionStage<MemberPromoteResponse> memberPromote(MemberPromoteRequest in, Metadata md) {
    return CallMetadata.forward(client.memberPromote(), md).invoke(in);
  }
}
