package io.cairn.member;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemberIdsTest {

  /** `etcd` with no flags: member 8e9e05c52164694d in cluster cdf818194e3a8c32 (checked against etcd 3.4.23). */
  @Test
  void etcdDefaultsGiveEtcdsIds() {
    long member = MemberIds.memberId(List.of("http://localhost:2380"), "etcd-cluster");
    assertEquals("8e9e05c52164694d", MemberIds.hex(member));
    assertEquals("cdf818194e3a8c32", MemberIds.hex(MemberIds.clusterId(List.of(member))));
  }

  @Test
  void peerUrlOrderDoesNotMatter() {
    assertEquals(
        MemberIds.memberId(List.of("http://a:2380", "http://b:2380"), "t"),
        MemberIds.memberId(List.of("http://b:2380", "http://a:2380"), "t"));
    assertEquals(MemberIds.clusterId(List.of(1L, -5L, 3L)), MemberIds.clusterId(List.of(-5L, 3L, 1L)));
  }

  @Test
  void parsesInitialClusterWithRepeatedNames() {
    Map<String, List<String>> m =
        MemberIds.parseInitialCluster("infra0=http://10.0.1.10:2380,infra1=http://10.0.1.11:2380,infra0=http://10.0.1.12:2380");
    assertEquals(List.of("infra0", "infra1"), List.copyOf(m.keySet()));
    assertEquals(List.of("http://10.0.1.10:2380", "http://10.0.1.12:2380"), m.get("infra0"));
    assertThrows(IllegalArgumentException.class, () -> MemberIds.parseInitialCluster("nourl"));
  }
}
