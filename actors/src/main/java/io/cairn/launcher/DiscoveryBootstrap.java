package io.cairn.launcher;

import io.cairn.member.MemberIds;
import io.cairn.member.cluster.BootstrapRecord;
import io.cairn.member.cluster.V2Discovery;
import io.cairn.member.cluster.V2Discovery.DiscoveryException;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A first start with --discovery (etcd's v2 discovery protocol, V2Discovery): this member registers under the ID
 * etcd gives it (its advertised peer URLs, the discovery URL as cluster token) and gets the initial cluster back,
 * kept as the data dir's bootstrap record so restarts need the discovery service no more than etcd's do. Failures
 * end the start with etcd's etcdmain lines.
 */
final class DiscoveryBootstrap {
  private static final Logger ETCDMAIN = LoggerFactory.getLogger("etcdmain");

  /** The start cannot go on; the reason is logged already. */
  static final class Failed extends Exception {
    Failed() {
      super("discovery failed");
    }
  }

  private DiscoveryBootstrap() {}

  static BootstrapRecord join(CairnConfig config) throws Failed {
    List<String> advertised = config.initialAdvertisePeerUrls().stream().map(URI::toString).toList();
    String durl = config.discoveryUrl();
    // etcd's URLsMap.String() of this member alone: sorted name=url pairs
    String self = advertised.stream().map(u -> config.name() + "=" + u).sorted().collect(Collectors.joining(","));
    String initialCluster;
    try {
      initialCluster = V2Discovery.joinCluster(durl, MemberIds.memberId(advertised, durl), self);
    } catch (DiscoveryException e) {
      logFailure(config, e);
      throw new Failed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed();
    }
    return new BootstrapRecord(BootstrapRecord.DISCOVERY, config.name(), initialCluster, durl, advertised, "");
  }

  /** etcdmain's startEtcdOrProxyV2 lines for each discovery error. */
  private static void logFailure(CairnConfig config, DiscoveryException e) {
    String durl = config.discoveryUrl();
    switch (e.kind()) {
      case DUPLICATE_ID -> {
        ETCDMAIN.error("member \"{}\" has previously registered with discovery service token ({}).", config.name(), durl);
        ETCDMAIN.error("But etcd could not find valid cluster configuration in the given data dir ({}).",
            config.dataDir());
        ETCDMAIN.info("Please check the given data dir path if the previous bootstrap succeeded");
        ETCDMAIN.info("or use a new discovery token if the previous bootstrap failed.");
      }
      case DUPLICATE_NAME -> {
        ETCDMAIN.error("member with duplicated name has registered with discovery service token({}).", durl);
        ETCDMAIN.error("please check (cURL) the discovery token for more information.");
        ETCDMAIN.error("please do not reuse the discovery token and generate a new one to bootstrap the cluster.");
      }
      default -> {
        if (e.kind() == DiscoveryException.Kind.FULL_CLUSTER && config.discoveryFallback().equals("proxy")) {
          // etcd falls back to its v2 proxy here; Cairn has no v2 proxy, so it stops as with --discovery-fallback=exit
          ETCDMAIN.warn("discovery cluster full; Cairn has no v2 proxy to fall back to (--discovery-fallback=proxy),"
              + " so it exits as with --discovery-fallback=exit");
        }
        ETCDMAIN.error("failed to join discovery cluster ({})", e.getMessage());
        ETCDMAIN.info("discovery token {} was used, but failed to bootstrap the cluster.", durl);
        ETCDMAIN.info("please generate a new discovery token and try to bootstrap again.");
      }
    }
  }
}
