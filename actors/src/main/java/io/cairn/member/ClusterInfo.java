package io.cairn.member;

import java.util.List;

/**
 * Who this member is in which cluster. IDs derive from peer URLs and the cluster token exactly as etcd's
 * (membership.computeMemberId, RaftCluster.genID), so `etcd` and `cairn` started alike report the same IDs.
 */
public record ClusterInfo(long clusterId, long memberId, String name, List<Member> members) {

  public record Member(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {}
}
