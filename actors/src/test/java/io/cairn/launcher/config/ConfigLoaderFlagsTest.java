package io.cairn.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.launcher.CairnConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderFlagsTest {
  static CairnConfig load(String... args) throws ConfigException {
    return ConfigLoader.load(args, Map.of());
  }

  static ConfigException failure(String... args) {
    return assertThrows(ConfigException.class, () -> load(args));
  }

  @Test
  void defaultsAreEtcds() throws Exception {
    CairnConfig c = load();
    assertEquals("default", c.name());
    assertEquals(Path.of("default.cairn"), c.dataDir());
    assertEquals(List.of(URI.create("http://localhost:2379")), c.listenClientUrls());
    assertEquals(List.of(URI.create("http://localhost:2379")), c.advertiseClientUrls());
    assertEquals(List.of(URI.create("http://localhost:2380")), c.listenPeerUrls());
    assertEquals(List.of(URI.create("http://localhost:2380")), c.initialAdvertisePeerUrls());
    assertEquals("default=http://localhost:2380", c.initialCluster());
    assertEquals("new", c.initialClusterState());
    assertEquals("etcd-cluster", c.initialClusterToken());
    assertEquals(100, c.heartbeatIntervalMs());
    assertEquals(1000, c.electionTimeoutMs());
    assertEquals(100_000, c.snapshotCount());
    assertEquals(1_572_864, c.maxRequestBytes());
    assertEquals(128, c.maxTxnOps());
    assertEquals(0, c.quotaBackendBytes());
    assertEquals("periodic", c.autoCompactionMode());
    assertEquals("0", c.autoCompactionRetention());
    assertEquals("info", c.logLevel());
    assertEquals("capnslog", c.logger());
    assertEquals(List.of("default"), c.logOutputs());
    assertEquals(CairnConfig.Tls.NONE, c.clientTls());
    assertEquals(CairnConfig.Tls.NONE, c.peerTls());
    assertEquals("", c.discoverySrv());
    assertFalse(c.forceNewCluster());
    assertTrue(c.strictReconfigCheck());
    assertFalse(c.enableV2());
    assertEquals(List.of(), c.listenMetricsUrls());
    assertEquals(List.of(), c.unsupportedFlags());
    assertNull(c.configFile());
  }

  @Test
  void flagValueFormsAreGoFlagPackages() throws Exception {
    assertEquals("a", load("--name", "a").name());
    assertEquals("b", load("--name=b").name());
    assertEquals("c", load("-name", "c").name());
    assertEquals("d", load("-name=d").name());
    assertEquals("-dash", load("--name", "-dash").name(), "the next argument is the value even if it starts with -");
    assertEquals("last", load("--name=first", "--name=last").name());
    assertEquals(Path.of("x.cairn"), load("--name", "x").dataDir());
    assertEquals(Path.of("/var/lib/etcd"), load("--data-dir", "/var/lib/etcd").dataDir());
  }

  @Test
  void booleansTakeNoSeparateArgument() throws Exception {
    assertTrue(load("--force-new-cluster").forceNewCluster());
    assertTrue(load("-force-new-cluster=true").forceNewCluster());
    assertFalse(load("--strict-reconfig-check=false").strictReconfigCheck());
    assertTrue(load("--client-cert-auth=1", "--cert-file", "c.pem", "--key-file", "k.pem").clientTls().clientCertAuth());
    assertEquals(
        "error verifying flags, 'false' is not a valid flag. See 'etcd --help'.",
        failure("--enable-v2", "false").getMessage());
  }

  @Test
  void tlsFlagsFillBothSides() throws Exception {
    CairnConfig c =
        load(
            "--cert-file=/c.pem", "--key-file=/k.pem", "--trusted-ca-file=/ca.pem", "--client-cert-auth",
            "--peer-auto-tls");
    assertEquals(new CairnConfig.Tls(Path.of("/c.pem"), Path.of("/k.pem"), Path.of("/ca.pem"), true, false), c.clientTls());
    assertEquals(new CairnConfig.Tls(null, null, null, false, true), c.peerTls());
  }

  @Test
  void urlListsAreSortedAsEtcdSortsThem() throws Exception {
    CairnConfig c =
        load(
            "--listen-client-urls=http://127.0.0.2:2379,http://127.0.0.1:2379",
            "--advertise-client-urls=http://127.0.0.1:2379");
    assertEquals(
        List.of(URI.create("http://127.0.0.1:2379"), URI.create("http://127.0.0.2:2379")), c.listenClientUrls());
  }

  @Test
  void unknownFlagIsEtcdsMessageAndExit2() {
    ConfigException e = failure("--foo=1");
    assertEquals("flag provided but not defined: -foo", e.getMessage());
    assertEquals(2, e.exitCode());
    assertFalse(e.toStdout());
  }

  @Test
  void badValuesNameTheFlagAsGoDoes() {
    assertEquals(
        "invalid value \"abc\" for flag -heartbeat-interval: parse error",
        failure("--heartbeat-interval", "abc").getMessage());
    assertEquals(
        "invalid value \"-1\" for flag -snapshot-count: parse error", failure("--snapshot-count=-1").getMessage());
    assertEquals(
        "invalid boolean value \"maybe\" for -debug: parse error", failure("--debug=maybe").getMessage());
    assertEquals(
        "invalid value \"foo\" for flag -initial-cluster-state: invalid value",
        failure("--initial-cluster-state=foo").getMessage());
    assertEquals(
        "invalid value \"foo://\" for flag -listen-client-urls: URL scheme must be http, https, unix, or unixs: foo://",
        failure("--listen-client-urls=foo://").getMessage());
    assertEquals(
        "invalid value \"http://a:b:c\" for flag -listen-client-urls: parse \"http://a:b:c\": invalid port \":c\" after"
            + " host",
        failure("--listen-client-urls=http://a:b:c").getMessage());
    assertEquals(
        "invalid value \"http://127.0.0.1\" for flag -advertise-client-urls: URL address does not have the form"
            + " \"host:port\": http://127.0.0.1",
        failure("--advertise-client-urls=http://127.0.0.1").getMessage());
    assertEquals(
        "invalid value \"x\" for flag -grpc-keepalive-min-time: parse error",
        failure("--grpc-keepalive-min-time=x").getMessage());
    assertEquals("flag needs an argument: -name", failure("--name").getMessage());
    assertEquals(2, failure("--heartbeat-interval=abc").exitCode());
  }

  @Test
  void electionTimeoutMustBeFiveHeartbeats() {
    ConfigException e = failure("--heartbeat-interval", "500", "--election-timeout", "1000");
    assertEquals(
        "error verifying flags, --election-timeout[1000ms] should be at least as 5 times as"
            + " --heartbeat-interval[500ms]. See 'etcd --help'.",
        e.getMessage());
    assertEquals(1, e.exitCode());
    assertEquals(
        "error verifying flags, --election-timeout[60000ms] is too long, and should be set less than 50000ms. See"
            + " 'etcd --help'.",
        failure("--election-timeout=60000").getMessage());
  }

  @Test
  void etcdsOtherVerifications() {
    assertEquals(
        "error verifying flags, --advertise-client-urls is required when --listen-client-urls is set explicitly."
            + " See 'etcd --help'.",
        failure("--listen-client-urls=http://127.0.0.1:2379").getMessage());
    assertEquals(
        "error verifying flags, expected IP in URL for binding (http://foo.example:2379). See 'etcd --help'.",
        failure("--listen-client-urls=http://foo.example:2379", "--advertise-client-urls=http://h:2379")
            .getMessage());
    assertEquals(
        "error verifying flags, multiple discovery or bootstrap flags are set. Choose one of \"initial-cluster\","
            + " \"discovery\" or \"discovery-srv\". See 'etcd --help'.",
        failure("--discovery-srv=example.com", "--initial-cluster=a=http://127.0.0.1:2380").getMessage());
    assertEquals(
        "error verifying flags, unknown logger option \"bogus\". See 'etcd --help'.",
        failure("--logger=bogus").getMessage());
    assertEquals(
        "error verifying flags, --logger=capnslog supports only 1 value in '--log-outputs', got [\"stderr\""
            + " \"stdout\"]. See 'etcd --help'.",
        failure("--log-outputs=stdout,stderr").getMessage());
    assertEquals(
        "error verifying flags, unknown auto-compaction-mode \"foo\". See 'etcd --help'.",
        failure("--auto-compaction-mode=foo").getMessage());
    assertEquals(
        "error parsing CompactionRetention: time: invalid duration \"abc\"",
        failure("--auto-compaction-retention=abc").getMessage());
    assertEquals("unknown level \"bogus\"", failure("--log-level=bogus").getMessage());
  }

  @Test
  void nameAloneDerivesInitialClusterAsEtcd() throws Exception {
    assertEquals(
        "x=http://127.0.0.1:2380",
        load("--name", "x", "--initial-advertise-peer-urls", "http://127.0.0.1:2380").initialCluster());
    assertEquals("", load("--discovery-srv", "example.com").initialCluster());
  }

  @Test
  void unsupportedFlagsAreAcceptedAndListed() throws Exception {
    CairnConfig c = load("--wal-dir=/w", "--pre-vote", "--max-wals=5", "--enable-pprof=false", "-v");
    assertEquals(List.of("wal-dir", "pre-vote"), c.unsupportedFlags(), "values equal to etcd's default are not listed");
    assertEquals(
        List.of("flag --wal-dir is not supported yet", "flag --pre-vote is not supported yet"),
        c.unsupportedFlagMessages());
    assertEquals(List.of("flag \"-v\" is no longer supported - ignoring."), c.startupWarnings());
  }

  @Test
  void helpAndVersionExitZeroOnStdout() {
    EarlyExit help = assertThrows(EarlyExit.class, () -> load("-h"));
    assertEquals(0, help.exitCode());
    assertTrue(help.toStdout());
    assertTrue(help.getMessage().contains("--initial-cluster 'default=http://localhost:2380'"));
    assertThrows(EarlyExit.class, () -> load("--name", "x", "--help"));
    EarlyExit version = assertThrows(EarlyExit.class, () -> load("--version"));
    assertTrue(version.getMessage().startsWith("cairn Version: 0.1.0\netcd API Version: 3.4\n"));
    assertEquals(0, version.exitCode());
  }
}
