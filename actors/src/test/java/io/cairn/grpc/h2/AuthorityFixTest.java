package io.cairn.grpc.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AuthorityFixTest {
  @Test
  void stripsTheSchemeEtcdClientsPrefix() {
    assertEquals("127.0.0.1:2379", AuthorityFix.normalize("http://127.0.0.1:2379"));
    assertEquals("example.com:2379", AuthorityFix.normalize("https://example.com:2379"));
    assertEquals("[::1]:2379", AuthorityFix.normalize("http://[::1]:2379/"));
    assertEquals("host:1", AuthorityFix.normalize("unix+x://host:1?q#f"));
  }

  @Test
  void leavesPlainAuthoritiesAlone() {
    for (String plain : new String[] {"127.0.0.1:2379", "localhost", "[::1]:2379", "", "://x", "1http://x:1", "h t://x"}) {
      assertEquals(plain, AuthorityFix.normalize(plain));
    }
  }
}
