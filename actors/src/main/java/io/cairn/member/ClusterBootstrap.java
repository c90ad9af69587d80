package io.cairn.member;

import io.cairn.launcher.CairnConfig;
import io.cairn.persistence.mvcc.MvccStore;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who this member is: from --initial-cluster on a fresh data dir, from the store on a restart (etcd ignores
 * the initial cluster flags once the member dir exists).
 */
final class ClusterBootstrap {
  static final String META_CLUSTER_ID = "cluster/id";
  static final String META_MEMBER_ID = "member/id";

  private ClusterBootstrap() {}

  static ClusterInfo fromConfig(CairnConfig config) {
    Map<String, List<String>> byName = MemberIds.parseInitialCluster(config.initialCluster());
    if (byName.isEmpty()) {
      // etcd's default --initial-cluster is name=initial-advertise-peer-urls.
      byName = new LinkedHashMap<>();
      byName.put(config.name(), config.initialAdvertisePeerUrls().stream().map(URI::toString).toList());
    }
    if (!byName.containsKey(config.name())) {
      throw new IllegalArgumentException(
          "couldn't find local name \"" + config.name() + "\" in the initial cluster configuration");
    }
    String token = config.initialClusterToken();
    List<ClusterInfo.Member> members = new ArrayList<>();
    long selfId = 0;
    for (Map.Entry<String, List<String>> e : byName.entrySet()) {
      long id = MemberIds.memberId(e.getValue(), token);
      boolean self = e.getKey().equals(config.name());
      if (self) {
        selfId = id;
      }
      List<String> clientUrls = self ? config.advertiseClientUrls().stream().map(URI::toString).toList() : List.of();
      members.add(new ClusterInfo.Member(id, e.getKey(), List.copyOf(e.getValue()), clientUrls, false));
    }
    long clusterId = MemberIds.clusterId(members.stream().map(ClusterInfo.Member::id).toList());
    return new ClusterInfo(clusterId, selfId, config.name(), List.copyOf(members));
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

  /** What the applier records with the first batch of a fresh member. */
  static Map<String, byte[]> meta(ClusterInfo cluster) {
    return Map.of(META_CLUSTER_ID, toBytes(cluster.clusterId()), META_MEMBER_ID, toBytes(cluster.memberId()));
  }

  private static byte[] toBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static long toLong(byte[] b) {
    return ByteBuffer.wrap(b).getLong();
  }
}
