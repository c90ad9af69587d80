package io.cairn.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.launcher.CairnConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderEnvironmentTest {

  @Test
  void etcdVariablesSetFlags() throws Exception {
    // As a systemd EnvironmentFile=/etc/etcd/etcd.conf delivers them: quotes already stripped.
    CairnConfig c =
        ConfigLoader.load(
            new String[0],
            Map.of(
                "ETCD_NAME", "infra1",
                "ETCD_DATA_DIR", "/var/lib/etcd",
                "ETCD_INITIAL_CLUSTER", "infra1=http://10.0.0.1:2380,infra2=http://10.0.0.2:2380",
                "ETCD_INITIAL_CLUSTER_STATE", "existing",
                "ETCD_HEARTBEAT_INTERVAL", "200",
                "ETCD_ELECTION_TIMEOUT", "2000",
                "ETCD_LISTEN_PEER_URLS", "http://10.0.0.1:2380",
                "ETCD_INITIAL_ADVERTISE_PEER_URLS", "http://10.0.0.1:2380",
                "ETCD_CLIENT_CERT_AUTH", "true",
                "PATH", "/usr/bin"));
    assertEquals("infra1", c.name());
    assertEquals(Path.of("/var/lib/etcd"), c.dataDir());
    assertEquals("infra1=http://10.0.0.1:2380,infra2=http://10.0.0.2:2380", c.initialCluster());
    assertEquals("existing", c.initialClusterState());
    assertEquals(200, c.heartbeatIntervalMs());
    assertEquals(2000, c.electionTimeoutMs());
    assertEquals(List.of(URI.create("http://10.0.0.1:2380")), c.listenPeerUrls());
    assertTrue(c.clientTls().clientCertAuth());
    assertTrue(c.startupNotices().contains("recognized and used environment variable ETCD_NAME=infra1"));
  }

  @Test
  void aFlagShadowingItsVariableIsFatalAsInEtcd34() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(new String[] {"--name", "flag"}, Map.of("ETCD_NAME", "env")));
    assertEquals(
        "conflicting environment variable \"ETCD_NAME\" is shadowed by corresponding command-line flag (either unset"
            + " environment variable or disable flag)",
        e.getMessage());
    assertEquals(1, e.exitCode());
  }

  @Test
  void flagsAndVariablesCombine() throws Exception {
    CairnConfig c = ConfigLoader.load(new String[] {"--name", "flag"}, Map.of("ETCD_SNAPSHOT_COUNT", "5"));
    assertEquals("flag", c.name());
    assertEquals(5, c.snapshotCount());
  }

  @Test
  void badVariableValueNamesTheVariable() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(new String[0], Map.of("ETCD_HEARTBEAT_INTERVAL", "abc")));
    assertEquals(
        "error verifying flags, invalid value \"abc\" for ETCD_HEARTBEAT_INTERVAL: parse error. See 'etcd --help'.",
        e.getMessage());
    assertEquals(1, e.exitCode());
  }

  @Test
  void unknownEtcdVariableIsOnlyAWarning() throws Exception {
    CairnConfig c = ConfigLoader.load(new String[0], Map.of("ETCD_FOO", "bar", "ETCDCTL_API", "3"));
    assertEquals(List.of("unrecognized environment variable ETCD_FOO=bar"), c.startupWarnings());
  }

  @Test
  void unsupportedFlagsFromVariablesAreListed() throws Exception {
    CairnConfig c = ConfigLoader.load(new String[0], Map.of("ETCD_WAL_DIR", "/wal"));
    assertEquals(List.of("wal-dir"), c.unsupportedFlags());
  }
}
