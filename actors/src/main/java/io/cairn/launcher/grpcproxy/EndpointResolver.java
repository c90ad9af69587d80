package io.cairn.launcher.grpcproxy;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

/**
 * Hands all --endpoints to gRPC's balancer, as clientv3 gives its balancer every endpoint: with round_robin a dead
 * endpoint's subchannel stays in TRANSIENT_FAILURE (re-dialled with back-off) and calls go to the live ones.
 * (Akka gRPC 2.1.6's discovery-based resolver builds a target grpc-java 1.68 refuses, hence this static one.)
 * Host names are resolved at each refresh, as Go's dialer resolves at each dial.
 */
final class EndpointResolver extends NameResolver.Factory {
  private final List<MemberEndpoints.Endpoint> endpoints;

  EndpointResolver(List<MemberEndpoints.Endpoint> endpoints) {
    this.endpoints = List.copyOf(endpoints);
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    return new NameResolver() {
      private Listener2 listener;

      @Override
      public String getServiceAuthority() {
        return endpoints.get(0).host();
      }

      @Override
      public void start(Listener2 listener) {
        this.listener = listener;
        refresh();
      }

      @Override
      public void refresh() {
        List<EquivalentAddressGroup> groups = endpoints.stream()
            .map(e -> new EquivalentAddressGroup(new InetSocketAddress(e.host(), e.port())))
            .toList();
        listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
      }

      @Override
      public void shutdown() {}
    };
  }

  @Override
  public String getDefaultScheme() {
    return "cairn-endpoints";
  }
}
