package io.cairn.member.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.member.MemberIds;
import java.util.List;
import org.junit.jupiter.api.Test;

class V2DiscoveryTest {
  private static final String DURL =
      "http://127.0.0.1:4001/v2/keys/discovery/6c007a14875d53d9bf0ef5a6fc0257c817f0fb83";

  @Test
  void registersUnderEtcdsMemberIdWithTheDiscoveryUrlAsToken() {
    // etcd 3.4.23 registered machine-0 (advertised http://127.0.0.1:12380) with this discovery URL as 136da1ca9403a394
    assertEquals("136da1ca9403a394", MemberIds.hex(MemberIds.memberId(List.of("http://127.0.0.1:12380"), DURL)));
  }

  @Test
  void theRegistrationsMakeTheInitialClusterOneNamePerMember() throws Exception {
    List<V2Discovery.Node> nodes = List.of(
        new V2Discovery.Node("/d/1", "a=http://127.0.0.1:12380", 5, 5),
        new V2Discovery.Node("/d/2", "b=http://127.0.0.1:22380,b=http://10.0.0.2:22380", 6, 6));
    assertEquals("a=http://127.0.0.1:12380,b=http://127.0.0.1:22380,b=http://10.0.0.2:22380",
        V2Discovery.nodesToCluster(nodes, 2));

    List<V2Discovery.Node> sameName = List.of(
        new V2Discovery.Node("/d/1", "a=http://127.0.0.1:12380", 5, 5),
        new V2Discovery.Node("/d/2", "a=http://127.0.0.1:22380", 6, 6));
    V2Discovery.DiscoveryException e =
        assertThrows(V2Discovery.DiscoveryException.class, () -> V2Discovery.nodesToCluster(sameName, 2));
    assertEquals(V2Discovery.DiscoveryException.Kind.DUPLICATE_NAME, e.kind());
    assertEquals("discovery: found duplicate name", e.getMessage());
  }
}
