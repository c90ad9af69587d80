package io.cairn.member;

import io.cairn.member.cluster.ClusterPlan;
import io.cairn.persistence.mvcc.MvccStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who this member is: from the {@link ClusterPlan} (--initial-cluster) on a fresh data dir, with the IDs recorded
 * in the store on a restart (etcd ignores the initial cluster flags once the member dir exists).
 */
final class ClusterBootstrap {
  static final String META_CLUSTER_ID = "cluster/id";
  static final String META_MEMBER_ID = "member/id";

  private ClusterBootstrap() {}

  /** Every initial member with its peer URLs; client URLs are unknown until each member publishes them. */
  static ClusterInfo fromPlan(ClusterPlan plan) {
    List<ClusterInfo.Member> members = new ArrayList<>();
    for (ClusterPlan.Member m : plan.members()) {
      members.add(new ClusterInfo.Member(m.id(), m.name(), m.peerUrls(), List.of(), false));
    }
    return new ClusterInfo(plan.clusterId(), plan.selfId(), plan.selfName(), List.copyOf(members));
  }

  static boolean isFresh(MvccStore store) {
    return store.meta(META_MEMBER_ID).isEmpty();
  }

  /** On a restart the IDs recorded at bootstrap win over what the flags would derive. */
  static ClusterInfo recover(ClusterInfo initial, MvccStore store) {
    long clusterId = store.meta(META_CLUSTER_ID).map(ClusterBootstrap::toLong).orElse(initial.clusterId());
    long memberId = store.meta(META_MEMBER_ID).map(ClusterBootstrap::toLong).orElse(initial.memberId());
    if (clusterId == initial.clusterId() && memberId == initial.memberId()) {
      return initial;
    }
    List<ClusterInfo.Member> members = new ArrayList<>();
    for (ClusterInfo.Member m : initial.members()) {
      members.add(m.id() == initial.memberId()
          ? new ClusterInfo.Member(memberId, m.name(), m.peerUrls(), m.clientUrls(), m.learner()) : m);
    }
    return new ClusterInfo(clusterId, memberId, initial.name(), List.copyOf(members));
  }

  /** What the applier records with the first batch of a fresh member: its IDs and the initial configuration. */
  static Map<String, byte[]> meta(ClusterInfo cluster, MembershipChanges.State configuration) {
    Map<String, byte[]> meta = new java.util.HashMap<>(identityMeta(cluster.clusterId(), cluster.memberId()));
    meta.put(Membership.META_MEMBERS, Membership.toProto(configuration).toByteArray());
    return Map.copyOf(meta);
  }

  /** The store meta saying who this member is (also written back over a leader's snapshot). */
  static Map<String, byte[]> identityMeta(long clusterId, long memberId) {
    return Map.of(META_CLUSTER_ID, toBytes(clusterId), META_MEMBER_ID, toBytes(memberId));
  }

  private static byte[] toBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static long toLong(byte[] b) {
    return ByteBuffer.wrap(b).getLong();
  }
}
