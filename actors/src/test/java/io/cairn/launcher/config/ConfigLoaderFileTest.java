package io.cairn.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.launcher.CairnConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderFileTest {
  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    return Files.writeString(dir.resolve("etcd.conf.yml"), yaml);
  }

  @Test
  void readsEtcdsYamlIncludingTransportSecurity() throws Exception {
    Path file =
        write(
            """
            name: infra1
            data-dir: /var/lib/etcd
            listen-client-urls: http://10.0.0.1:2379,http://127.0.0.1:2379
            advertise-client-urls: http://10.0.0.1:2379
            listen-peer-urls: https://10.0.0.1:2380
            initial-advertise-peer-urls: https://10.0.0.1:2380
            initial-cluster: infra1=https://10.0.0.1:2380
            initial-cluster-state: 'new'
            heartbeat-interval: 200
            election-timeout: 2000
            strict-reconfig-check: false
            log-level: warn
            logger: zap
            log-outputs: [stdout]
            grpc-keepalive-min-time: 5000000000
            wal-dir:
            some-key-etcd-does-not-know: 1
            client-transport-security:
              cert-file: /etc/etcd/server.crt
              key-file: /etc/etcd/server.key
              client-cert-auth: true
              trusted-ca-file: /etc/etcd/ca.crt
            peer-transport-security:
              auto-tls: true
            """);
    CairnConfig c = ConfigLoader.load(new String[] {"--config-file", file.toString()}, Map.of());
    assertEquals("infra1", c.name());
    assertEquals(Path.of("/var/lib/etcd"), c.dataDir());
    assertEquals(
        List.of(URI.create("http://10.0.0.1:2379"), URI.create("http://127.0.0.1:2379")), c.listenClientUrls());
    assertEquals("infra1=https://10.0.0.1:2380", c.initialCluster());
    assertEquals(200, c.heartbeatIntervalMs());
    assertEquals(2000, c.electionTimeoutMs());
    assertEquals(false, c.strictReconfigCheck());
    assertEquals("warn", c.logLevel());
    assertEquals("zap", c.logger());
    assertEquals(List.of("stdout"), c.logOutputs());
    assertEquals(
        new CairnConfig.Tls(
            Path.of("/etc/etcd/server.crt"), Path.of("/etc/etcd/server.key"), Path.of("/etc/etcd/ca.crt"), true, false),
        c.clientTls());
    assertTrue(c.peerTls().autoTls());
    assertEquals(List.of(), c.unsupportedFlags(), "a default value is not 'set'");
    assertEquals(file, c.configFile());
  }

  @Test
  void otherFlagsAndVariablesAreIgnoredWithAConfigFile() throws Exception {
    Path file = write("name: fromfile\n");
    CairnConfig c =
        ConfigLoader.load(
            new String[] {"--name", "fromflag", "--config-file=" + file},
            Map.of("ETCD_NAME", "fromenv", "ETCD_FOO", "bar"));
    assertEquals("fromfile", c.name());
    assertTrue(c.startupNotices().get(0).startsWith("Loading server configuration from \"" + file + "\"."));
    assertEquals(List.of(), c.startupWarnings());
    assertEquals("fromfile=http://localhost:2380", c.initialCluster());
  }

  @Test
  void etcdConfigFileVariableWorks() throws Exception {
    Path file = write("name: viaenv\n");
    assertEquals("viaenv", ConfigLoader.load(new String[0], Map.of("ETCD_CONFIG_FILE", file.toString())).name());
  }

  @Test
  void badValuesAndUnsupportedKeysInTheFile() throws Exception {
    Path file = write("heartbeat-interval: abc\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(new String[] {"--config-file", file.toString()}, Map.of()));
    assertTrue(e.getMessage().contains("heartbeat-interval"), e.getMessage());
    assertEquals(1, e.exitCode());

    Path other = Files.writeString(dir.resolve("other.yml"), "enable-pprof: true\nmax-wals: 5\n");
    assertEquals(
        List.of("enable-pprof"),
        ConfigLoader.load(new String[] {"--config-file", other.toString()}, Map.of()).unsupportedFlags());
  }

  @Test
  void missingFileIsEtcdsError() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(new String[] {"--config-file", dir.resolve("nope.yml").toString()}, Map.of()));
    assertEquals(
        "error verifying flags, open " + dir.resolve("nope.yml") + ": no such file or directory. See 'etcd --help'.",
        e.getMessage());
  }
}
