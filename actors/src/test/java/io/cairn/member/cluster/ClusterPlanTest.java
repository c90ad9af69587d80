package io.cairn.member.cluster;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.member.MemberIds;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Error texts are etcd 3.4.23's, as printed by /usr/bin/etcd started with the same flags. */
class ClusterPlanTest {
  private static final String THREE =
      "infra0=http://10.0.1.10:2380,infra1=http://10.0.1.11:2380,infra2=http://10.0.1.12:2380";

  /** No DNS in unit tests: one known name, everything else unresolvable. */
  private static final AdvertiseCheck CHECK =
      new AdvertiseCheck(host -> Optional.ofNullable(Map.of("infra1.example", "10.0.1.11").get(host)));

  @Test
  void etcdDefaultsAreOneMemberWithEtcdsIds() {
    ClusterPlan plan = ClusterPlan.of(
        "default", "default=http://localhost:2380", List.of("http://localhost:2380"),
        List.of("http://localhost:2380"), "etcd-cluster", "new");
    assertEquals("8e9e05c52164694d", MemberIds.hex(plan.selfId()));
    assertEquals("cdf818194e3a8c32", MemberIds.hex(plan.clusterId()));
    assertEquals(new PeerAddress("localhost", 2380), plan.canonical());
    assertEquals(new PeerAddress("localhost", 2380), plan.bind());
    assertEquals(List.of(), plan.peers());
    assertDoesNotThrow(() -> plan.verifyBootstrap(CHECK));
  }

  @Test
  void emptyInitialClusterIsThisMemberAtItsAdvertisedUrls() {
    ClusterPlan plan = ClusterPlan.of(
        "default", "", List.of("http://localhost:2380"), List.of("http://localhost:2380"), "etcd-cluster", "new");
    assertEquals("8e9e05c52164694d", MemberIds.hex(plan.selfId()));
  }

  @Test
  void threeMembersAgreeOnIdsAndAddressEachOther() {
    ClusterPlan p0 = plan("infra0", THREE, "http://10.0.1.10:2380", "http://0.0.0.0:2380", "tok");
    ClusterPlan p1 = plan("infra1", THREE, "http://10.0.1.11:2380", "http://0.0.0.0:2380", "tok");
    assertEquals(p0.clusterId(), p1.clusterId());
    assertEquals(p0.members(), p1.members());
    assertEquals(List.of("infra0", "infra1", "infra2"), p0.members().stream().map(ClusterPlan.Member::name).toList());
    assertEquals(MemberIds.memberId(List.of("http://10.0.1.11:2380"), "tok"), p1.selfId());
    assertEquals(List.of("infra0", "infra2"), p1.peers().stream().map(ClusterPlan.Member::name).toList());
    assertEquals(new PeerAddress("10.0.1.11", 2380), p1.canonical());
    assertEquals(new PeerAddress("0.0.0.0", 2380), p1.bind());
    assertEquals("akka://cairn@10.0.1.12:2380", p1.members().get(2).peerAddress().akkaAddress());
    assertDoesNotThrow(() -> p1.verifyBootstrap(CHECK));
  }

  @Test
  void bindPrefersTheListenUrlOnTheAdvertisedPort() {
    ClusterPlan plan = ClusterPlan.of("infra1", THREE, List.of("http://10.0.1.11:2380"),
        List.of("http://127.0.0.1:7001", "http://10.0.1.11:2380"), "tok", "new");
    assertEquals(new PeerAddress("10.0.1.11", 2380), plan.bind());
  }

  @Test
  void tokenChangesEveryId() {
    ClusterPlan a = plan("infra0", THREE, "http://10.0.1.10:2380", "http://10.0.1.10:2380", "token-a");
    ClusterPlan b = plan("infra0", THREE, "http://10.0.1.10:2380", "http://10.0.1.10:2380", "token-b");
    assertNotEquals(a.selfId(), b.selfId());
    assertNotEquals(a.clusterId(), b.clusterId());
  }

  @Test
  void nameMissingFromInitialCluster() {
    ClusterPlanException e = assertThrows(ClusterPlanException.class,
        () -> plan("x", THREE, "http://10.0.1.10:2380", "http://10.0.1.10:2380", "tok"));
    assertEquals("couldn't find local name \"x\" in the initial cluster configuration", e.getMessage());
  }

  @Test
  void advertisedUrlDiffersFromInitialCluster() {
    ClusterPlan plan = plan("a", "a=http://127.0.0.1:23801", "http://127.0.0.1:23802", "http://127.0.0.1:23802", "t");
    assertEquals(
        "--initial-cluster has a=http://127.0.0.1:23801 but missing from"
            + " --initial-advertise-peer-urls=http://127.0.0.1:23802"
            + " (resolved urls: \"http://127.0.0.1:23802\" != \"http://127.0.0.1:23801\")",
        assertThrows(ClusterPlanException.class, () -> plan.verifyBootstrap(CHECK)).getMessage());
  }

  @Test
  void localhostIsNotResolvedBeforeComparing() {
    ClusterPlan plan = plan("a", "a=http://localhost:23801", "http://127.0.0.1:23801", "http://127.0.0.1:23801", "t");
    assertEquals(
        "--initial-cluster has a=http://localhost:23801 but missing from"
            + " --initial-advertise-peer-urls=http://127.0.0.1:23801"
            + " (resolved urls: \"http://127.0.0.1:23801\" != \"http://localhost:23801\")",
        assertThrows(ClusterPlanException.class, () -> plan.verifyBootstrap(CHECK)).getMessage());
  }

  @Test
  void hostNamesAreResolvedBeforeComparing() {
    ClusterPlan plan = plan("infra1", THREE, "http://infra1.example:2380", "http://0.0.0.0:2380", "tok");
    assertDoesNotThrow(() -> plan.verifyBootstrap(CHECK));
  }

  @Test
  void fewerAdvertisedUrlsThanInitialCluster() {
    ClusterPlan plan = plan("a", "a=http://127.0.0.1:23801,a=http://127.0.0.1:23803",
        "http://127.0.0.1:23801", "http://127.0.0.1:23801", "t");
    assertEquals(
        "--initial-cluster has a=http://127.0.0.1:23803 but missing from"
            + " --initial-advertise-peer-urls=http://127.0.0.1:23801"
            + " (len([\"http://127.0.0.1:23801\"]) != len([\"http://127.0.0.1:23801\" \"http://127.0.0.1:23803\"]))",
        assertThrows(ClusterPlanException.class, () -> plan.verifyBootstrap(CHECK)).getMessage());
  }

  @Test
  void moreAdvertisedUrlsThanInitialCluster() {
    ClusterPlan plan = ClusterPlan.of("a", "a=http://127.0.0.1:23801",
        List.of("http://127.0.0.1:23801", "http://127.0.0.1:23803"), List.of("http://127.0.0.1:23801"), "t", "new");
    assertEquals(
        "--initial-advertise-peer-urls has http://127.0.0.1:23803 but missing from"
            + " --initial-cluster=a=http://127.0.0.1:23801,a=http://127.0.0.1:23803",
        assertThrows(ClusterPlanException.class, () -> plan.verifyBootstrap(CHECK)).getMessage());
  }

  @Test
  void duplicateUrlAcrossMembers() {
    ClusterPlan plan = plan("a", "a=http://127.0.0.1:23801,b=http://127.0.0.1:23801",
        "http://127.0.0.1:23801", "http://127.0.0.1:23801", "t");
    assertEquals("initial cluster a=http://127.0.0.1:23801,b=http://127.0.0.1:23801 has duplicate url",
        assertThrows(ClusterPlanException.class, () -> plan.verifyBootstrap(CHECK)).getMessage());
  }

  @Test
  void joiningAnExistingClusterSkipsTheAdvertiseCheck() {
    ClusterPlan plan = ClusterPlan.of("a", "a=http://127.0.0.1:23801", List.of("http://127.0.0.1:23802"),
        List.of("http://127.0.0.1:23802"), "t", "existing");
    assertEquals(false, plan.newCluster());
    assertDoesNotThrow(plan::verifyNoDuplicateUrl);
  }

  @Test
  void overlayAddressesThisMemberAndSeedsEveryMember() {
    ClusterPlan p1 = plan("infra1", THREE, "http://10.0.1.11:2380", "http://0.0.0.0:2380", "tok");
    var config = ClusterSystemConfig.overlay(p1);
    assertEquals("10.0.1.11", config.getString("akka.remote.artery.canonical.hostname"));
    assertEquals(2380, config.getInt("akka.remote.artery.canonical.port"));
    assertEquals("0.0.0.0", config.getString("akka.remote.artery.bind.hostname"));
    assertEquals(List.of("akka://cairn@10.0.1.10:2380", "akka://cairn@10.0.1.11:2380", "akka://cairn@10.0.1.12:2380"),
        config.getStringList("akka.cluster.seed-nodes"));
    assertEquals("cluster", config.getString("akka.actor.provider"));
    assertEquals("", config.getString("akka.cluster.downing-provider-class"));
  }

  private static ClusterPlan plan(String name, String initial, String advertised, String listen, String token) {
    return ClusterPlan.of(name, initial, List.of(advertised), List.of(listen), token, "new");
  }
}
