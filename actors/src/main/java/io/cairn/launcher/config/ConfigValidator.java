package io.cairn.launcher.config;

import io.cairn.launcher.CairnConfig;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** etcd 3.4's embed.Config.Validate (and its logging setup checks), with etcd's messages. */
final class ConfigValidator {
  /** embed.maxElectionMs. */
  static final long MAX_ELECTION_TIMEOUT_MS = 50_000;

  static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "error", "dpanic", "panic", "fatal");

  private ConfigValidator() {}

  /**
   * @param advertiseClientUrlsMissing etcd's "ACUrls == nil": --listen-client-urls given without
   *     --advertise-client-urls on the command line
   */
  static void validate(CairnConfig c, boolean advertiseClientUrlsMissing, String discoveryUrl)
      throws ConfigException {
    validateLogging(c);
    checkBindUrls(c.listenPeerUrls());
    checkBindUrls(c.listenClientUrls());
    checkBindUrls(c.listenMetricsUrls());
    checkHostUrls("--initial-advertise-peer-urls", c.initialAdvertisePeerUrls());
    checkHostUrls("--advertise-client-urls", c.advertiseClientUrls());
    long bootstrapMethods =
        List.of(!discoveryUrl.isEmpty(), !c.initialCluster().isEmpty(), !c.discoverySrv().isEmpty()).stream()
            .filter(b -> b)
            .count();
    if (!c.discoverySrvNameserver().isEmpty()
        && !c.discoverySrvNameserver().matches("\\[?[0-9A-Za-z.:-]+]?(:[0-9]{1,5})?")) {
      throw ConfigException.verifying(
          "invalid --discovery-srv-nameserver " + c.discoverySrvNameserver() + " (want HOST or HOST:PORT)");
    }
    if (bootstrapMethods > 1) {
      throw ConfigException.verifying(
          "multiple discovery or bootstrap flags are set. Choose one of \"initial-cluster\", \"discovery\" or"
              + " \"discovery-srv\"");
    }
    if (c.heartbeatIntervalMs() <= 0) {
      throw ConfigException.verifying(
          "--heartbeat-interval must be >0 (set to " + c.heartbeatIntervalMs() + "ms)");
    }
    if (c.electionTimeoutMs() <= 0) {
      throw ConfigException.verifying("--election-timeout must be >0 (set to " + c.electionTimeoutMs() + "ms)");
    }
    if (5 * c.heartbeatIntervalMs() > c.electionTimeoutMs()) {
      throw ConfigException.verifying(
          "--election-timeout["
              + c.electionTimeoutMs()
              + "ms] should be at least as 5 times as --heartbeat-interval["
              + c.heartbeatIntervalMs()
              + "ms]");
    }
    if (c.electionTimeoutMs() > MAX_ELECTION_TIMEOUT_MS) {
      throw ConfigException.verifying(
          "--election-timeout["
              + c.electionTimeoutMs()
              + "ms] is too long, and should be set less than "
              + MAX_ELECTION_TIMEOUT_MS
              + "ms");
    }
    if (advertiseClientUrlsMissing) {
      throw ConfigException.verifying(
          "--advertise-client-urls is required when --listen-client-urls is set explicitly");
    }
    if (!Set.of("", "periodic", "revision").contains(c.autoCompactionMode())) {
      throw ConfigException.verifying("unknown auto-compaction-mode \"" + c.autoCompactionMode() + "\"");
    }
    checkCompactionRetention(c.autoCompactionRetention());
  }

  private static void validateLogging(CairnConfig c) throws ConfigException {
    if (!LOG_LEVELS.contains(c.logLevel())) {
      // etcd 3.4 panics here (exit 2) with this message.
      throw new ConfigException("unknown level \"" + c.logLevel() + "\"");
    }
    List<String> outputs = c.logOutputs();
    switch (c.logger()) {
      case "capnslog":
        if (outputs.size() != 1) {
          throw ConfigException.verifying(
              "--logger=capnslog supports only 1 value in '--log-outputs', got "
                  + outputs.stream().map(o -> "\"" + o + "\"").collect(Collectors.joining(" ", "[", "]")));
        }
        if (!Set.of("default", "stderr", "stdout").contains(outputs.get(0))) {
          throw ConfigException.verifying(
              "unknown log-output \"" + outputs.get(0) + "\" (only supports \"default\", \"stderr\", \"stdout\")");
        }
        break;
      case "zap":
        if (outputs.size() > 1 && outputs.contains("default")) {
          throw ConfigException.verifying("multi logoutput for \"default\" is not supported yet");
        }
        break;
      default:
        throw ConfigException.verifying("unknown logger option \"" + c.logger() + "\"");
    }
  }

  /** embed.checkBindURLs: a listen URL's host must be an IP or "localhost"; unix sockets are exempt. */
  private static void checkBindUrls(List<URI> urls) throws ConfigException {
    for (URI url : urls) {
      String scheme = url.getScheme();
      if (scheme.equals("unix") || scheme.equals("unixs")) {
        continue;
      }
      String host = EtcdUrls.host(url);
      if (!host.equals("localhost") && !EtcdUrls.isIpLiteral(host)) {
        throw ConfigException.verifying("expected IP in URL for binding (" + url + ")");
      }
    }
  }

  /** embed.checkHostURLs: an advertised URL needs a host. */
  private static void checkHostUrls(String flag, List<URI> urls) throws ConfigException {
    for (URI url : urls) {
      if (EtcdUrls.host(url).isEmpty()) {
        String all = urls.stream().map(URI::toString).collect(Collectors.joining(","));
        throw ConfigException.verifying(
            flag + " \"" + all + "\" must be \"host:port\" (unexpected empty host (" + url + "))");
      }
    }
  }

  /**
   * etcd's parseCompactionRetention, run when the server starts: a non-negative integer (hours for periodic, a
   * revision count for revision) or else a Go duration.
   */
  private static void checkCompactionRetention(String retention) throws ConfigException {
    if (retention.isEmpty() || retention.matches("\\+?[0-9]+")) {
      return;
    }
    try {
      GoValues.parseDuration(retention);
    } catch (InvalidValueException e) {
      throw ConfigException.fatal(
          "error parsing CompactionRetention: time: invalid duration \"" + retention + "\"");
    }
  }
}
