package io.cairn.launcher.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every flag etcd 3.4.23 defines, plus Cairn's --discovery-srv-nameserver (etcdmain/config.go, checked against the real binary: each name below is accepted,
 * any other is "flag provided but not defined"), with etcd's default and whether Cairn acts on it yet.
 */
public final class EtcdFlags {
  private static final Map<String, FlagSpec> FLAGS = new LinkedHashMap<>();

  /** etcd's InitialClusterFromName(DefaultName) with the default advertise peer URL. */
  public static final String DEFAULT_INITIAL_CLUSTER = "default=http://localhost:2380";

  public static final String DEFAULT_NAME = "default";

  static {
    supported("config-file", FlagKind.STRING, "");
    supported("version", FlagKind.BOOL, "false");

    // member
    supported("name", FlagKind.STRING, DEFAULT_NAME);
    supported("data-dir", FlagKind.STRING, "");
    unsupported("wal-dir", FlagKind.STRING, "");
    supported("snapshot-count", FlagKind.UINT, "100000");
    supported("heartbeat-interval", FlagKind.UINT, "100");
    supported("election-timeout", FlagKind.UINT, "1000");
    unsupported("initial-election-tick-advance", FlagKind.BOOL, "true");
    supported("listen-peer-urls", FlagKind.URLS, "http://localhost:2380");
    supported("listen-client-urls", FlagKind.URLS, "http://localhost:2379");
    unsupported("max-snapshots", FlagKind.UINT, "5");
    unsupported("max-wals", FlagKind.UINT, "5");
    supported("quota-backend-bytes", FlagKind.INT, "0");
    unsupported("backend-batch-interval", FlagKind.DURATION, "0s");
    unsupported("backend-batch-limit", FlagKind.INT, "0");
    supported("max-txn-ops", FlagKind.UINT, "128");
    supported("max-request-bytes", FlagKind.UINT, "1572864");
    unsupported("max-concurrent-streams", FlagKind.UINT32, "4294967295");
    unsupported("grpc-keepalive-min-time", FlagKind.DURATION, "5s");
    unsupported("grpc-keepalive-interval", FlagKind.DURATION, "2h");
    unsupported("grpc-keepalive-timeout", FlagKind.DURATION, "20s");

    // clustering
    supported("initial-advertise-peer-urls", FlagKind.URLS, "http://localhost:2380");
    supported("initial-cluster", FlagKind.STRING, DEFAULT_INITIAL_CLUSTER);
    choice("initial-cluster-state", true, "new", "existing");
    supported("initial-cluster-token", FlagKind.STRING, "etcd-cluster");
    supported("advertise-client-urls", FlagKind.URLS, "http://localhost:2379");
    supported("discovery", FlagKind.STRING, "");
    choice("discovery-fallback", false, "proxy", "exit");
    unsupported("discovery-proxy", FlagKind.STRING, "");
    supported("discovery-srv", FlagKind.STRING, "");
    supported("discovery-srv-name", FlagKind.STRING, "");
    // Cairn's own (not an etcd flag): the DNS server for --discovery-srv, HOST[:PORT]; "" = the system resolver.
    supported("discovery-srv-nameserver", FlagKind.STRING, "");
    supported("strict-reconfig-check", FlagKind.BOOL, "true");
    unsupported("pre-vote", FlagKind.BOOL, "false");
    supported("auto-compaction-retention", FlagKind.STRING, "0");
    supported("auto-compaction-mode", FlagKind.STRING, "periodic");
    supported("enable-v2", FlagKind.BOOL, "false");
    unsupported("experimental-enable-v2v3", FlagKind.STRING, "");

    // security
    supported("cert-file", FlagKind.STRING, "");
    supported("key-file", FlagKind.STRING, "");
    supported("client-cert-auth", FlagKind.BOOL, "false");
    unsupported("client-crl-file", FlagKind.STRING, "");
    unsupported("client-cert-allowed-hostname", FlagKind.STRING, "");
    supported("trusted-ca-file", FlagKind.STRING, "");
    supported("auto-tls", FlagKind.BOOL, "false");
    supported("peer-cert-file", FlagKind.STRING, "");
    supported("peer-key-file", FlagKind.STRING, "");
    supported("peer-client-cert-auth", FlagKind.BOOL, "false");
    supported("peer-trusted-ca-file", FlagKind.STRING, "");
    unsupported("peer-cert-allowed-cn", FlagKind.STRING, "");
    unsupported("peer-cert-allowed-hostname", FlagKind.STRING, "");
    supported("peer-auto-tls", FlagKind.BOOL, "false");
    unsupported("peer-crl-file", FlagKind.STRING, "");
    unsupported("cipher-suites", FlagKind.STRING_SLICE, "");
    unsupported("cors", FlagKind.URLS_OR_STAR, "*");
    unsupported("host-whitelist", FlagKind.UNIQUE_STRINGS, "*");

    // auth
    unsupported("auth-token", FlagKind.STRING, "simple");
    unsupported("bcrypt-cost", FlagKind.UINT, "10");
    unsupported("auth-token-ttl", FlagKind.UINT, "300");

    // profiling and monitoring
    unsupported("enable-pprof", FlagKind.BOOL, "false");
    unsupported("metrics", FlagKind.STRING, "basic");
    supported("listen-metrics-urls", FlagKind.URLS, "");

    // logging
    supported("logger", FlagKind.STRING, "capnslog");
    supported("log-outputs", FlagKind.UNIQUE_STRINGS, "default");
    supported("log-level", FlagKind.STRING, "info");
    supported("debug", FlagKind.BOOL, "false");
    unsupported("log-package-levels", FlagKind.STRING, "");
    // etcd 3.3's singular form, still accepted by 3.4 (deprecated in favour of --log-outputs).
    supported("log-output", FlagKind.UNIQUE_STRINGS, "default");

    // v2 proxy
    choice("proxy", false, "off", "readonly", "on");
    unsupported("proxy-failure-wait", FlagKind.UINT, "5000");
    unsupported("proxy-refresh-interval", FlagKind.UINT, "30000");
    unsupported("proxy-dial-timeout", FlagKind.UINT, "1000");
    unsupported("proxy-write-timeout", FlagKind.UINT, "5000");
    unsupported("proxy-read-timeout", FlagKind.UINT, "0");

    // experimental
    unsupported("experimental-initial-corrupt-check", FlagKind.BOOL, "false");
    unsupported("experimental-corrupt-check-time", FlagKind.DURATION, "0s");
    unsupported("experimental-backend-bbolt-freelist-type", FlagKind.STRING, "array");
    unsupported("experimental-enable-lease-checkpoint", FlagKind.BOOL, "false");
    unsupported("experimental-enable-lease-checkpoint-persist", FlagKind.BOOL, "false");
    unsupported("experimental-compaction-batch-limit", FlagKind.INT, "1000");
    unsupported("experimental-peer-skip-client-san-verification", FlagKind.BOOL, "false");
    unsupported("experimental-watch-progress-notify-interval", FlagKind.DURATION, "10m");
    unsupported("experimental-warning-apply-duration", FlagKind.DURATION, "100ms");

    // unsafe
    supported("force-new-cluster", FlagKind.BOOL, "false");
    unsupported("unsafe-no-fsync", FlagKind.BOOL, "false");

    // etcd 2 flags etcd 3.4 still accepts and ignores with a warning (etcdmain/config.go "ignored").
    for (String name :
        List.of(
            "cluster-active-size",
            "cluster-remove-delay",
            "cluster-sync-interval",
            "config",
            "force",
            "max-result-buffer",
            "max-retry-attempts",
            "peer-heartbeat-interval",
            "peer-election-timeout",
            "retry-interval",
            "snapshot",
            "v",
            "vv",
            "test.coverprofile",
            "test.outputdir")) {
      put(new FlagSpec(name, FlagKind.IGNORED, "", List.of(), true));
    }
  }

  private EtcdFlags() {}

  public static Optional<FlagSpec> find(String name) {
    return Optional.ofNullable(FLAGS.get(name));
  }

  /** All flags, in etcd's registration order. */
  public static Collection<FlagSpec> all() {
    return Collections.unmodifiableCollection(FLAGS.values());
  }

  static FlagSpec get(String name) {
    FlagSpec spec = FLAGS.get(name);
    if (spec == null) {
      throw new IllegalArgumentException("not an etcd flag: " + name);
    }
    return spec;
  }

  private static void supported(String name, FlagKind kind, String defaultValue) {
    put(new FlagSpec(name, kind, defaultValue, List.of(), true));
  }

  private static void unsupported(String name, FlagKind kind, String defaultValue) {
    put(new FlagSpec(name, kind, defaultValue, List.of(), false));
  }

  private static void choice(String name, boolean supported, String defaultValue, String... others) {
    List<String> values = new java.util.ArrayList<>();
    values.add(defaultValue);
    values.addAll(List.of(others));
    put(new FlagSpec(name, FlagKind.CHOICE, defaultValue, List.copyOf(values), supported));
  }

  private static void put(FlagSpec spec) {
    FLAGS.put(spec.name(), spec);
  }
}
