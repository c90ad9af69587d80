package io.cairn.member.cluster;

import java.net.URI;

/**
 * A host and port Artery binds to or is reached at, taken from a peer URL (etcd's scheme://host:port). IPv6 hosts
 * are kept without brackets, as Akka's canonical.hostname wants them.
 */
public record PeerAddress(String host, int port) {

  /** The ActorSystem name every member uses, so member addresses differ only by host and port. */
  public static final String SYSTEM_NAME = "cairn";

  public static PeerAddress of(URI peerUrl) {
    String host = peerUrl.getHost();
    if (host == null || peerUrl.getPort() < 0) {
      throw new ClusterPlanException("URL address does not have the form \"host:port\": " + peerUrl);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new PeerAddress(host, peerUrl.getPort());
  }

  public static PeerAddress of(String peerUrl) {
    try {
      return of(URI.create(peerUrl));
    } catch (IllegalArgumentException e) {
      throw new ClusterPlanException("invalid peer URL " + peerUrl + ": " + e.getMessage());
    }
  }

  /** The member's Akka address, "akka://cairn@host:port": seed nodes and Raft peers are addressed by it. */
  public String akkaAddress() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "akka://" + SYSTEM_NAME + "@" + h + ":" + port;
  }
}
