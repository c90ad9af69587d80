package io.cairn.bench;

import io.cairn.api.etcdserverpb.StatusRequest;
import io.cairn.api.etcdserverpb.StatusResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's gRPC connections: {@code --conns} channels spread round-robin over the endpoints (or all to
 * the leader with {@code --target-leader}); client {@code i} uses channel {@code i % conns}, as etcd's
 * benchmark shares connections among its clients. Channels run callbacks on the Netty event loop
 * (directExecutor) so the client adds no thread hop per request.
 */
final class Connections implements AutoCloseable {
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<String> targets = new ArrayList<>();

  private Connections() {}

  static Connections open(List<String> endpoints, int conns, boolean targetLeader, long dialTimeoutMs) {
    List<String> chosen = targetLeader ? List.of(findLeader(endpoints, dialTimeoutMs)) : endpoints;
    Connections c = new Connections();
    for (int i = 0; i < conns; i++) {
      String endpoint = chosen.get(i % chosen.size());
      c.channels.add(channel(endpoint));
      c.targets.add(endpoint);
    }
    return c;
  }

  ManagedChannel forClient(int client) {
    return channels.get(client % channels.size());
  }

  List<String> targets() {
    return targets;
  }

  /** The endpoint whose Maintenance.Status says it is the leader (leader == its own member id). */
  static String findLeader(List<String> endpoints, long dialTimeoutMs) {
    for (String endpoint : endpoints) {
      ManagedChannel ch = channel(endpoint);
      try {
        StatusResponse status = ClientCalls.blockingUnaryCall(ch, EtcdMethods.STATUS,
            CallOptions.DEFAULT.withDeadlineAfter(dialTimeoutMs, TimeUnit.MILLISECONDS),
            StatusRequest.getDefaultInstance());
        if (status.getLeader() != 0 && status.getLeader() == status.getHeader().getMemberId()) {
          return endpoint;
        }
      } catch (RuntimeException e) {
        // An unreachable member is not the leader; try the next one.
      } finally {
        ch.shutdownNow();
      }
    }
    throw new IllegalStateException("no leader found among " + endpoints);
  }

  static ManagedChannel channel(String endpoint) {
    HostPort hp = HostPort.parse(endpoint);
    return NettyChannelBuilder.forAddress(hp.host(), hp.port())
        .usePlaintext()
        .directExecutor()
        // etcd's clientv3 default (MaxCallRecvMsgSize math.MaxInt32): a range over a large key space is one
        // response, and the benchmark must read what etcdctl would.
        .maxInboundMessageSize(Integer.MAX_VALUE)
        .build();
  }

  @Override
  public void close() {
    for (ManagedChannel ch : channels) ch.shutdownNow();
    for (ManagedChannel ch : channels) {
      try {
        ch.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** An endpoint as etcd's tools take it: {@code host:port} or {@code http://host:port}. */
  record HostPort(String host, int port) {
    static HostPort parse(String endpoint) {
      String e = endpoint.trim();
      if (e.contains("://")) {
        URI uri = URI.create(e);
        if (!"http".equals(uri.getScheme())) {
          throw new IllegalArgumentException("only http:// (plaintext) endpoints are supported: " + endpoint);
        }
        if (uri.getPort() < 0) throw new IllegalArgumentException("endpoint without a port: " + endpoint);
        return new HostPort(uri.getHost(), uri.getPort());
      }
      int colon = e.lastIndexOf(':');
      if (colon <= 0 || colon == e.length() - 1) {
        throw new IllegalArgumentException("endpoint must be host:port: " + endpoint);
      }
      try {
        return new HostPort(e.substring(0, colon), Integer.parseInt(e.substring(colon + 1)));
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("endpoint must be host:port: " + endpoint);
      }
    }
  }
}
