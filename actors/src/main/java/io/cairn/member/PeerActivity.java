package io.cairn.member;

/**
 * Whether this member is in touch with another one now (etcd's transport ActiveSince/isConnectedToQuorumSince,
 * used by --strict-reconfig-check). Cairn answers from Akka Cluster's membership and failure detector.
 */
@FunctionalInterface
public interface PeerActivity {
  PeerActivity ALWAYS = member -> true;

  boolean isActive(ClusterInfo.Member member);
}
