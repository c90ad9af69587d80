package io.cairn.launcher.grpcproxy;

import akka.actor.typed.ActorSystem;
import akka.grpc.GrpcClientSettings;
import io.cairn.api.etcdserverpb.AuthClient;
import io.cairn.api.etcdserverpb.ClusterClient;
import io.cairn.api.etcdserverpb.KVClient;
import io.cairn.api.etcdserverpb.LeaseClient;
import io.cairn.api.etcdserverpb.MaintenanceClient;
import io.cairn.api.etcdserverpb.WatchClient;
import io.cairn.api.v3electionpb.ElectionClient;
import io.cairn.api.v3lockpb.LockClient;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * The proxy's clients of the members, one per etcd service over one shared set of channels settings. All endpoints
 * are handed to gRPC's round_robin balancer (through {@link EndpointResolver}), as clientv3's balancer spreads
 * over its endpoints: a dead endpoint's subchannel stays in TRANSIENT_FAILURE and calls go to the live ones.
 */
final class MemberClients {
  final KVClient kv;
  final WatchClient watch;
  final LeaseClient lease;
  final ClusterClient cluster;
  final MaintenanceClient maintenance;
  final AuthClient auth;
  final LockClient lock;
  final ElectionClient election;

  MemberClients(GrpcClientSettings settings, ActorSystem<?> system) {
    kv = KVClient.create(settings, system);
    watch = WatchClient.create(settings, system);
    lease = LeaseClient.create(settings, system);
    cluster = ClusterClient.create(settings, system);
    maintenance = MaintenanceClient.create(settings, system);
    auth = AuthClient.create(settings, system);
    lock = LockClient.create(settings, system);
    election = ElectionClient.create(settings, system);
  }

  /**
   * {@code tls}: null for h2c. {@code maxRecvBytes}: etcd's --max-recv-bytes (clientv3's MaxCallRecvMsgSize).
   * The authority (and TLS server name) is the first endpoint's host: one channel serves every endpoint.
   */
  static GrpcClientSettings settings(MemberEndpoints endpoints, MemberTls tls, int maxRecvBytes,
      ActorSystem<?> system) throws IOException, GeneralSecurityException {
    SslContext netty = tls == null ? null : tls.netty();
    MemberEndpoints.Endpoint first = endpoints.endpoints().get(0);
    EndpointResolver resolver = new EndpointResolver(endpoints.endpoints());
    GrpcClientSettings settings = GrpcClientSettings
        .connectToServiceAt(first.host(), first.port(), system)
        .withLoadBalancingPolicy("round_robin")
        .withOverrideAuthority(first.host())
        // a proxy keeps dialling dead members for as long as it runs (Akka gRPC gives up after 20 by default)
        .withConnectionAttempts(-1)
        .withChannelBuilderOverrides(builder -> {
          builder.nameResolverFactory(resolver);
          if (netty != null) {
            builder.sslContext(netty);
          }
          return builder.maxInboundMessageSize(maxRecvBytes);
        })
        .withTls(tls != null);
    return settings;
  }
}
