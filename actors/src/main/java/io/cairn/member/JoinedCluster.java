package io.cairn.member;

import java.util.Set;

/**
 * The cluster a new member joins (--initial-cluster-state existing), as its peers know it: the cluster ID, the
 * members (this one among them, with the ID the leader gave it at MemberAdd) and the removed IDs.
 */
public record JoinedCluster(ClusterInfo cluster, Set<Long> removed) {
  public JoinedCluster {
    removed = Set.copyOf(removed);
  }
}
