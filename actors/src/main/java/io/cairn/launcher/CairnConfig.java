package io.cairn.launcher;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A member's configuration, as etcd 3.4's flags, ETCD_* variables and YAML config file give it. Defaults are
 * etcd's: `etcd` with no flags is `cairn` with no flags.
 *
 * @param initialCluster etcd's --initial-cluster, "name=peerURL,..." as given
 * @param autoCompactionMode "periodic" or "revision"
 * @param autoCompactionRetention as given: "0" (off), "1" (hours for periodic), "5m", or a revision count
 * @param discoverySrv etcd's --discovery-srv DNS domain; "" when not used
 * @param discoverySrvName etcd's --discovery-srv-name suffix; "" when not used
 * @param discoverySrvNameserver Cairn's --discovery-srv-nameserver (ETCD_DISCOVERY_SRV_NAMESERVER): the DNS server,
 *     HOST[:PORT], that --discovery-srv's SRV records and the peers' host names are looked up on; "" for the
 *     system resolver
 * @param discoveryUrl etcd's --discovery: the v2 keys URL of a discovery token ("" when not used)
 * @param discoveryFallback etcd's --discovery-fallback, "proxy" (its default) or "exit"
 * @param listenMetricsUrls etcd's --listen-metrics-urls; empty when not used
 * @param unsupportedFlags etcd flags (names without dashes) set to a non-default value that Cairn accepts but does
 *     not act on yet; log each once with {@link #unsupportedFlagMessages()}
 * @param startupWarnings lines etcd logs at WARNING while reading its configuration (unrecognized ETCD_*
 *     variables, removed etcd 2 flags); log each once through logger "pkg/flags"
 * @param startupNotices lines etcd logs at INFO while reading its configuration (environment variables used,
 *     config file loaded); log each once through logger "etcdmain"
 * @param configFile the --config-file / ETCD_CONFIG_FILE used, or null
 */
public record CairnConfig(
    String name,
    Path dataDir,
    List<URI> listenClientUrls,
    List<URI> advertiseClientUrls,
    List<URI> listenPeerUrls,
    List<URI> initialAdvertisePeerUrls,
    String initialCluster,
    String initialClusterState,
    String initialClusterToken,
    long heartbeatIntervalMs,
    long electionTimeoutMs,
    long snapshotCount,
    long maxRequestBytes,
    int maxTxnOps,
    long quotaBackendBytes,
    String autoCompactionMode,
    String autoCompactionRetention,
    String logLevel,
    String logger,
    List<String> logOutputs,
    Tls clientTls,
    Tls peerTls,
    String discoverySrv,
    String discoverySrvName,
    String discoverySrvNameserver,
    String discoveryUrl,
    String discoveryFallback,
    boolean forceNewCluster,
    boolean strictReconfigCheck,
    boolean enableV2,
    List<URI> listenMetricsUrls,
    List<String> unsupportedFlags,
    List<String> startupWarnings,
    List<String> startupNotices,
    Path configFile) {

  /**
   * TLS material for one side (client or peer), etcd's --cert-file/--key-file/... ; empty paths: none. Once the
   * launcher has made the self-signed files of --auto-tls (TlsSetup), {@code autoTls} means the files are those.
   */
  public record Tls(
      Path certFile, Path keyFile, Path trustedCaFile, boolean clientCertAuth, boolean autoTls) {
    public static final Tls NONE = new Tls(null, null, null, false, false);

    /** Both files given (or made): etcd's !TLSInfo.Empty(). */
    public boolean hasKeyPair() {
      return certFile != null && keyFile != null;
    }

    /** etcd's TLSInfo.String(), as its "peerTLS: ..." and "ClientTLS: ..." startup lines print it. */
    public String describe() {
      return "cert = " + orEmpty(certFile) + ", key = " + orEmpty(keyFile) + ", trusted-ca = "
          + orEmpty(trustedCaFile) + ", client-cert-auth = " + clientCertAuth + ", crl-file = ";
    }

    private static String orEmpty(Path path) {
      return path == null ? "" : path.toString();
    }
  }

  /** This configuration with the TLS material the launcher resolved (auto TLS files made). */
  public CairnConfig withTls(Tls resolvedClientTls, Tls resolvedPeerTls) {
    return new CairnConfig(name, dataDir, listenClientUrls, advertiseClientUrls, listenPeerUrls,
        initialAdvertisePeerUrls, initialCluster, initialClusterState, initialClusterToken, heartbeatIntervalMs,
        electionTimeoutMs, snapshotCount, maxRequestBytes, maxTxnOps, quotaBackendBytes, autoCompactionMode,
        autoCompactionRetention, logLevel, logger, logOutputs, resolvedClientTls, resolvedPeerTls, discoverySrv,
        discoverySrvName, discoverySrvNameserver, discoveryUrl, discoveryFallback, forceNewCluster,
        strictReconfigCheck, enableV2, listenMetricsUrls, unsupportedFlags, startupWarnings, startupNotices,
        configFile);
  }

  /** etcd 3.4's default quota: 2 GiB, used when --quota-backend-bytes is 0. */
  public static final long DEFAULT_QUOTA_BACKEND_BYTES = 2L * 1024 * 1024 * 1024;


  /** One line per unsupported flag, as Main logs them: "flag --wal-dir is not supported yet". */
  public List<String> unsupportedFlagMessages() {
    return unsupportedFlags.stream().map(f -> "flag --" + f + " is not supported yet").toList();
  }

  public Duration heartbeatInterval() {
    return Duration.ofMillis(heartbeatIntervalMs);
  }

  public Duration electionTimeout() {
    return Duration.ofMillis(electionTimeoutMs);
  }

  /** The effective quota: etcd treats 0 as the default and a negative value as the default too. */
  public long effectiveQuotaBackendBytes() {
    return quotaBackendBytes > 0 ? quotaBackendBytes : DEFAULT_QUOTA_BACKEND_BYTES;
  }
}
