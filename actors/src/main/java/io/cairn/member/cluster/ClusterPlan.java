package io.cairn.member.cluster;

import io.cairn.launcher.CairnConfig;
import io.cairn.member.MemberIds;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The static cluster etcd's bootstrap flags describe: every initial member with its etcd member ID, the cluster ID,
 * and where this member's Artery binds (--listen-peer-urls) and is reached (its --initial-cluster URL, which peers
 * address it by).
 *
 * <p>Member IDs and the cluster ID are etcd's (MemberIds), so a Cairn cluster and an etcd cluster started with the
 * same flags report the same IDs.
 *
 * @param members in --initial-cluster order; every member uses this order for its seed nodes
 * @param canonical the host:port peers reach this member at: its first URL in --initial-cluster. After
 *     {@link #verifyBootstrap} it equals its first --initial-advertise-peer-urls entry; it is taken from the
 *     initial cluster because Artery drops messages addressed to any other host string than its canonical one.
 * @param bind the host:port Artery listens on: the --listen-peer-urls entry with the canonical port, else the first
 */
public record ClusterPlan(
    String selfName,
    long selfId,
    long clusterId,
    String clusterToken,
    boolean newCluster,
    List<Member> members,
    List<String> advertisedPeerUrls,
    PeerAddress canonical,
    PeerAddress bind) {

  /** An initial member; peerUrls as written in --initial-cluster (first is its Artery address). */
  public record Member(String name, long id, List<String> peerUrls) {
    public PeerAddress peerAddress() {
      return PeerAddress.of(peerUrls.get(0));
    }
  }

  public static ClusterPlan of(CairnConfig config) {
    return of(
        config.name(),
        config.initialCluster(),
        strings(config.initialAdvertisePeerUrls()),
        strings(config.listenPeerUrls()),
        config.initialClusterToken(),
        config.initialClusterState());
  }

  /**
   * Computes the plan; checks only what every start needs (etcd's hasLocalMember). Use on a restart, where etcd
   * ignores the remaining bootstrap checks.
   *
   * @throws ClusterPlanException when --initial-cluster does not parse or lacks this member's name
   */
  public static ClusterPlan of(
      String name,
      String initialCluster,
      List<String> advertisedPeerUrls,
      List<String> listenPeerUrls,
      String token,
      String initialClusterState) {
    Map<String, List<String>> byName;
    try {
      byName = MemberIds.parseInitialCluster(initialCluster);
    } catch (IllegalArgumentException e) {
      throw new ClusterPlanException(e.getMessage());
    }
    if (byName.isEmpty()) {
      // etcd's default --initial-cluster is name=initial-advertise-peer-urls.
      byName = new LinkedHashMap<>();
      byName.put(name, List.copyOf(advertisedPeerUrls));
    }
    if (!byName.containsKey(name)) {
      throw new ClusterPlanException(
          "couldn't find local name \"" + name + "\" in the initial cluster configuration");
    }
    List<Member> members = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : byName.entrySet()) {
      members.add(new Member(e.getKey(), MemberIds.memberId(e.getValue(), token), List.copyOf(e.getValue())));
    }
    long clusterId = MemberIds.clusterId(members.stream().map(Member::id).toList());
    Member self = members.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    PeerAddress canonical = self.peerAddress();
    PeerAddress bind = listenPeerUrls.stream()
        .map(PeerAddress::of)
        .filter(a -> a.port() == canonical.port())
        .findFirst()
        .or(() -> listenPeerUrls.stream().findFirst().map(PeerAddress::of))
        .orElse(canonical);
    return new ClusterPlan(
        name,
        self.id(),
        clusterId,
        token,
        !"existing".equals(initialClusterState),
        List.copyOf(members),
        List.copyOf(advertisedPeerUrls),
        canonical,
        bind);
  }

  /** {@link #of(CairnConfig)} then the checks etcd makes before its first start in the given state. */
  public static ClusterPlan verified(CairnConfig config) {
    return of(config).verifiedForFirstStart(AdvertiseCheck.withDns());
  }

  /**
   * The checks etcd makes before a member's first start: a new cluster's full bootstrap check, a member joining
   * an existing one only the duplicate URL check (the rest comes from its peers). Returns this plan.
   */
  ClusterPlan verifiedForFirstStart(AdvertiseCheck advertiseCheck) {
    if (newCluster) {
      verifyBootstrap(advertiseCheck);
    } else {
      verifyNoDuplicateUrl();
    }
    return this;
  }

  /** etcd's ServerConfig.VerifyBootstrap (--initial-cluster-state new, no data yet), in etcd's order. */
  void verifyBootstrap(AdvertiseCheck advertiseCheck) {
    advertiseCheck.check(selfName, self().peerUrls(), advertisedPeerUrls);
    verifyNoDuplicateUrl();
  }

  /** etcd's checkDuplicateURL, with its URLsMap.String() rendering (sorted name=url pairs). */
  void verifyNoDuplicateUrl() {
    Set<String> seen = new HashSet<>();
    boolean duplicate = members.stream().flatMap(m -> m.peerUrls().stream()).anyMatch(u -> !seen.add(u));
    if (duplicate) {
      String map = members.stream()
          .flatMap(m -> m.peerUrls().stream().map(u -> m.name() + "=" + u))
          .sorted()
          .collect(Collectors.joining(","));
      throw new ClusterPlanException("initial cluster " + map + " has duplicate url");
    }
  }

  public Member self() {
    return member(selfId).orElseThrow();
  }

  public Optional<Member> member(long id) {
    return members.stream().filter(m -> m.id() == id).findFirst();
  }

  /** The other members: whom Raft sends to. */
  public List<Member> peers() {
    return members.stream().filter(m -> m.id() != selfId).toList();
  }

  private static List<String> strings(List<URI> urls) {
    return urls.stream().map(URI::toString).toList();
  }
}
