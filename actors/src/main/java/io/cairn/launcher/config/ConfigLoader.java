package io.cairn.launcher.config;

import io.cairn.launcher.CairnConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads etcd 3.4's flags, ETCD_* variables and --config-file into a {@link CairnConfig}, as etcdmain does:
 *
 * <ol>
 *   <li>the command line is parsed with Go flag-package rules ({@link CommandLine}); -h/--help and --version end
 *       here with an {@link EarlyExit};
 *   <li>with --config-file (or ETCD_CONFIG_FILE) the YAML file is the whole configuration: other flags and
 *       variables are ignored, as etcd logs;
 *   <li>otherwise ETCD_* variables fill the flags the command line did not give ({@link EnvironmentFlags});
 *   <li>etcd's derivations and embed.Config.Validate run ({@link ConfigValidator}).
 * </ol>
 *
 * <p>Nothing is read or written on disk except the config file.
 */
public final class ConfigLoader {
  private static final Set<String> SUBCOMMANDS = Set.of("gateway", "grpc-proxy");

  private ConfigLoader() {}

  /**
   * @return the member's configuration; {@link CairnConfig#startupWarnings()}, {@link
   *     CairnConfig#startupNotices()} and {@link CairnConfig#unsupportedFlagMessages()} are for Main to log
   * @throws EarlyExit (a {@link ConfigException} with exit code 0, text for stdout) for --help and --version
   * @throws ConfigException with a one-line etcd-shaped message and {@link ConfigException#exitCode()} (2 for a
   *     command line Go's flag package would reject, 1 for a value etcd's verification rejects)
   */
  public static CairnConfig load(String[] args, Map<String, String> env) throws ConfigException {
    if (args.length > 0 && SUBCOMMANDS.contains(args[0])) {
      throw ConfigException.fatal("'etcd " + args[0] + "' is not supported yet");
    }
    CommandLine commandLine = CommandLine.parse(args);
    if (commandLine.help()) {
      throw EarlyExit.help();
    }
    if (!commandLine.positional().isEmpty()) {
      throw ConfigException.verifying("'" + commandLine.positional().get(0) + "' is not a valid flag");
    }
    if (Boolean.parseBoolean(canonicalBool(commandLine.values().get("version")))) {
      throw EarlyExit.version();
    }
    List<String> warnings = new ArrayList<>(commandLine.warnings());
    List<String> notices = new ArrayList<>();

    String configFile = commandLine.values().getOrDefault("config-file", "");
    if (configFile.isEmpty()) {
      configFile = env.getOrDefault(EtcdFlags.get("config-file").envName(), "");
    }
    boolean fromFile = !configFile.isEmpty();
    Map<String, String> given;
    if (fromFile) {
      notices.add(
          "Loading server configuration from \""
              + configFile
              + "\". Other configuration command line flags and environment variables will be ignored if"
              + " provided.");
      given = YamlConfigFile.read(Path.of(configFile));
    } else {
      given = new LinkedHashMap<>(commandLine.values());
      EnvironmentFlags.apply(env, given, warnings, notices);
    }
    return build(new ResolvedFlags(given), fromFile ? Path.of(configFile) : null, warnings, notices);
  }

  private static CairnConfig build(ResolvedFlags f, Path configFile, List<String> warnings, List<String> notices)
      throws ConfigException {
    String name = f.string("name");
    String dataDir = f.string("data-dir");
    List<URI> listenPeer = f.urls("listen-peer-urls");
    List<URI> advertisePeer = f.urls("initial-advertise-peer-urls");
    List<URI> listenClient = f.urls("listen-client-urls");
    List<URI> advertiseClient = f.urls("advertise-client-urls");
    String discoveryUrl = f.string("discovery");
    String discoverySrv = f.string("discovery-srv");
    boolean mayBeProxy =
        !f.string("proxy").equals("off")
            || (!discoveryUrl.isEmpty() && f.string("discovery-fallback").equals("proxy"));

    // etcdmain.configFromCmdLine: a listen-client-urls without advertise-client-urls disables the default advertise
    // URL (then Validate fails unless etcd may become a proxy). Not applied to a config file, as in etcd.
    boolean advertiseMissing =
        configFile == null && f.isSet("listen-client-urls") && !f.isSet("advertise-client-urls");
    if (advertiseMissing) {
      advertiseClient = List.of();
    }

    // A discovery method replaces the default --initial-cluster.
    String initialCluster = f.string("initial-cluster");
    boolean discovering = !discoveryUrl.isEmpty() || !discoverySrv.isEmpty();
    if (discovering
        && (configFile == null
            ? !f.isSet("initial-cluster")
            : initialCluster.equals(EtcdFlags.DEFAULT_INITIAL_CLUSTER))) {
      initialCluster = "";
    }
    // embed.Config.UpdateDefaultClusterFromName: "etcd --name x" alone bootstraps x=<its advertise peer URLs>.
    if (!name.equals(EtcdFlags.DEFAULT_NAME) && initialCluster.equals(EtcdFlags.DEFAULT_INITIAL_CLUSTER)) {
      initialCluster = advertisePeer.stream().map(u -> name + "=" + u).collect(Collectors.joining(","));
    }

    List<String> logOutputs =
        !f.isSet("log-outputs") && f.isSet("log-output") ? f.strings("log-output") : f.strings("log-outputs");
    String logLevel = f.bool("debug") ? "debug" : f.string("log-level");

    CairnConfig config =
        new CairnConfig(
            name,
            Path.of(dataDir.isEmpty() ? name + ".cairn" : dataDir),
            listenClient,
            advertiseClient,
            listenPeer,
            advertisePeer,
            initialCluster,
            f.string("initial-cluster-state"),
            f.string("initial-cluster-token"),
            f.uint("heartbeat-interval"),
            f.uint("election-timeout"),
            f.uint("snapshot-count"),
            f.uint("max-request-bytes"),
            (int) Math.min(Integer.MAX_VALUE, f.uint("max-txn-ops")),
            f.int64("quota-backend-bytes"),
            f.string("auto-compaction-mode"),
            f.string("auto-compaction-retention"),
            logLevel,
            f.string("logger"),
            logOutputs,
            tls(f, ""),
            tls(f, "peer-"),
            discoverySrv,
            f.string("discovery-srv-name"),
            f.string("discovery-srv-nameserver"),
            discoveryUrl,
            f.string("discovery-fallback"),
            f.bool("force-new-cluster"),
            f.bool("strict-reconfig-check"),
            f.bool("enable-v2"),
            f.urls("listen-metrics-urls"),
            f.unsupportedSet(),
            List.copyOf(warnings),
            List.copyOf(notices),
            configFile);
    ConfigValidator.validate(config, advertiseMissing && !mayBeProxy, discoveryUrl);
    return config;
  }

  private static CairnConfig.Tls tls(ResolvedFlags f, String prefix) {
    CairnConfig.Tls tls =
        new CairnConfig.Tls(
            f.path(prefix + "cert-file"),
            f.path(prefix + "key-file"),
            f.path(prefix + "trusted-ca-file"),
            f.bool(prefix + "client-cert-auth"),
            f.bool(prefix + "auto-tls"));
    return tls.equals(CairnConfig.Tls.NONE) ? CairnConfig.Tls.NONE : tls;
  }

  private static String canonicalBool(String raw) {
    try {
      return raw == null ? "false" : Boolean.toString(GoValues.parseBool(raw));
    } catch (InvalidValueException e) {
      return "false"; // already rejected by CommandLine
    }
  }
}
