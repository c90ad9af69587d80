package io.cairn.grpc.lease;

import akka.actor.typed.ActorSystem;
import akka.grpc.GrpcClientSettings;
import io.cairn.api.etcdserverpb.LeaseClient;
import io.cairn.member.ClusterInfo;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * One Lease gRPC client to the current leader, on its published client URL, replaced (and the old one
 * closed) when the leader changes. etcd forwards over the leader's peer URLs (leasehttp); Cairn's peers
 * speak Raft only, so the leader's client API is the way in.
 */
public final class LeaderLeaseClients {

  private final ActorSystem<?> system;
  private final Duration callDeadline;
  private long leaderId;
  private String url;
  private LeaseClient client;

  /** callDeadline bounds each forwarded call (the gRPC deadline of the request to the leader). */
  public LeaderLeaseClients(ActorSystem<?> system, Duration callDeadline) {
    this.system = system;
    this.callDeadline = callDeadline;
  }

  /** A client to leader, or empty if it publishes no usable client URL (yet). */
  public synchronized Optional<LeaseClient> clientFor(ClusterInfo.Member leader) {
    Optional<URI> target = leader.clientUrls().stream().map(LeaderLeaseClients::parse)
        .flatMap(Optional::stream).findFirst();
    if (target.isEmpty()) {
      return Optional.empty();
    }
    String targetUrl = target.get().toString();
    if (client == null || leaderId != leader.id() || !url.equals(targetUrl)) {
      closeCurrent();
      URI uri = target.get();
      // The akka-http backend: Akka gRPC 2.1.6's netty backend fails with the grpc-java here ("null authority").
      GrpcClientSettings settings = GrpcClientSettings.connectToServiceAt(uri.getHost(), uri.getPort(), system)
          .withTls("https".equalsIgnoreCase(uri.getScheme()))
          .withBackend("akka-http")
          .withDeadline(callDeadline);
      client = LeaseClient.create(settings, system);
      leaderId = leader.id();
      url = targetUrl;
    }
    return Optional.of(client);
  }

  /** Closes the cached client, if any. */
  public synchronized void close() {
    closeCurrent();
  }

  private void closeCurrent() {
    if (client != null) {
      client.close();
      client = null;
    }
  }

  private static Optional<URI> parse(String url) {
    try {
      URI uri = URI.create(url.trim());
      boolean known = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
      return known && uri.getHost() != null && uri.getPort() > 0 ? Optional.of(uri) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
