package io.cairn.member.cluster;

import akka.actor.ActorRef;
import akka.actor.ActorSystem;
import akka.discovery.Discovery;
import akka.discovery.Lookup;
import akka.discovery.ServiceDiscovery;
import akka.io.Dns;
import akka.io.dns.AAAARecord;
import akka.io.dns.ARecord;
import akka.io.dns.DnsProtocol;
import akka.io.dns.ResourceRecord;
import akka.pattern.Patterns;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's DNS SRV bootstrap (--discovery-srv DOMAIN, --discovery-srv-name SUFFIX) on Akka Discovery's DNS SRV lookup
 * (akka-dns, Akka's async DNS client), with the DNS server configurable (Cairn's --discovery-srv-nameserver).
 *
 * <p>As etcd (embed.Config.GetDNSClusterNames, pkg/srv.GetCluster): {@code _etcd-server-ssl[-SUFFIX]._tcp.DOMAIN}
 * gives https peers and {@code _etcd-server[-SUFFIX]._tcp.DOMAIN} http peers; each record's target:port is
 * resolved and compared with this member's resolved --initial-advertise-peer-urls: the match is this member (named
 * --name), every other record a member named "0", "1", ...; the URLs keep the target host name
 * ({@code infra1=http://infra1.example.com:2380}). The member and cluster IDs then derive from those URLs and the
 * token as with --initial-cluster.
 *
 * <p>Better than etcd 3.4.23: there the results of the two lookups are not combined (the plain records are dropped
 * and the ssl lookup's error returned), so a domain with only {@code _etcd-server._tcp} records, as etcd's own
 * clustering guide shows, fails with "error querying DNS SRV records for _etcd-server-ssl ... no such host"
 * (checked with etcd 3.4.23 against dnsmasq). Cairn combines both, as etcd's documentation describes, and fails
 * only when neither gives a record.
 *
 * <p>Akka Management's Cluster Bootstrap is not used: it forms an Akka cluster from contact points found by
 * probing, while Raft needs the exact initial member set (and its IDs) before the first election, which is the
 * SRV record set itself; the Akka cluster then forms from those members as seed nodes, as with --initial-cluster.
 */
public final class SrvDiscovery implements AutoCloseable {
  private static final Logger EMBED = LoggerFactory.getLogger("embed");
  /** Akka's async-dns resolve timeout per query; etcd's Go resolver gives up after a similar time. */
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem system;
  private final ServiceDiscovery discovery;
  private final ActorRef dns;
  private final String nameserver;

  private SrvDiscovery(ActorSystem system, String nameserver) {
    this.system = system;
    this.discovery = Discovery.get(system).loadServiceDiscovery("akka-dns");
    this.dns = Dns.get(system).manager();
    this.nameserver = nameserver;
  }

  /**
   * A short-lived local actor system for the lookups (the member's own system needs the discovered cluster for its
   * Artery address, so it cannot exist yet). Close it when done.
   *
   * @param nameserver HOST[:PORT] of the DNS server, or "" for the system's (/etc/resolv.conf)
   */
  public static SrvDiscovery open(String nameserver) {
    Config config = ConfigFactory.empty()
        .withValue("akka.actor.provider", ConfigValueFactory.fromAnyRef("local"))
        .withValue("akka.discovery.method", ConfigValueFactory.fromAnyRef("akka-dns"))
        .withValue("akka.io.dns.async-dns.resolve-timeout",
            ConfigValueFactory.fromAnyRef(QUERY_TIMEOUT.toMillis() + "ms"))
        .withFallback(resolverConfig(nameserver))
        .withFallback(ConfigFactory.load());
    return new SrvDiscovery(ActorSystem.create("cairn-discovery", config), nameserver);
  }

  /**
   * The Akka DNS settings that make host names resolve on {@code nameserver}: the SRV lookups, and in the member's
   * own system Artery's connections to peers addressed by the SRV targets' host names. Empty for the system
   * resolver.
   */
  public static Config resolverConfig(String nameserver) {
    if (nameserver.isEmpty()) {
      return ConfigFactory.empty();
    }
    return ConfigFactory.empty()
        .withValue("akka.io.dns.resolver", ConfigValueFactory.fromAnyRef("async-dns"))
        .withValue("akka.io.dns.async-dns.nameservers", ConfigValueFactory.fromIterable(List.of(nameserver)))
        .withValue("akka.io.dns.async-dns.search-domains", ConfigValueFactory.fromIterable(List.of()))
        .withValue("akka.io.dns.async-dns.ndots", ConfigValueFactory.fromAnyRef(1));
  }

  /**
   * etcd's PeerURLsMapAndToken for --discovery-srv: the initial cluster ("name=url,...") the SRV records describe.
   * Entries are sorted by URL, so every member lists the same members in the same order (Akka seed nodes).
   *
   * @throws ClusterPlanException with etcd's message when the records are missing, do not resolve, or do not
   *     include this member
   */
  public String initialCluster(String name, String domain, String serviceSuffix, List<String> advertisePeerUrls) {
    String suffix = serviceSuffix.isEmpty() ? "" : "-" + serviceSuffix;
    Map<String, String> self = new LinkedHashMap<>(); // resolved ip:port -> advertised URL
    for (String url : advertisePeerUrls) {
      URI u = URI.create(url);
      String ip = resolve(u.getHost()).orElseThrow(() -> new ClusterPlanException(
          "error setting up initial cluster: lookup " + u.getHost() + on() + ": no such host"));
      self.put(ip + ":" + u.getPort(), url);
    }
    List<String> errors = new ArrayList<>();
    List<String[]> entries = new ArrayList<>(); // {name, url}
    entries.addAll(cluster("https", "etcd-server-ssl" + suffix, name, domain, self, errors));
    entries.addAll(cluster("http", "etcd-server" + suffix, name, domain, self, errors));
    if (entries.isEmpty()) {
      String reason = String.join("; ", errors);
      EMBED.error("couldn't resolve during SRV discovery ({})", reason);
      throw new ClusterPlanException("error setting up initial cluster: " + reason);
    }
    entries.sort(Comparator.comparing((String[] e) -> e[1]));
    for (String[] e : entries) {
      EMBED.info("got bootstrap from DNS for etcd-server at {}={}", e[0], e[1]);
    }
    if (entries.stream().noneMatch(e -> e[0].equals(name))) {
      throw new ClusterPlanException(
          "error setting up initial cluster: cannot find local etcd member \"" + name + "\" in SRV records");
    }
    return entries.stream().map(e -> e[0] + "=" + e[1]).collect(Collectors.joining(","));
  }

  /** pkg/srv.GetCluster for one service; a failure is added to {@code errors} in etcd's words. */
  private List<String[]> cluster(String scheme, String service, String name, String domain,
      Map<String, String> self, List<String> errors) {
    String srvName = "_" + service + "._tcp." + domain;
    List<akka.discovery.ServiceDiscovery.ResolvedTarget> targets;
    try {
      targets = lookupSrv(service, domain);
    } catch (ExecutionException | TimeoutException e) {
      errors.add("error querying DNS SRV records for _" + service + " lookup " + srvName + on() + ": " + reason(e));
      return List.of();
    }
    List<String[]> out = new ArrayList<>();
    String lastError = null;
    int tempName = 0;
    for (Target t : distinct(targets)) {
      String host = t.host();
      int port = t.port();
      Optional<String> ip = resolve(host);
      if (ip.isEmpty()) {
        lastError = "lookup " + host + on() + ": no such host";
        continue;
      }
      String hostPort = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
      String mine = self.get(ip.get() + ":" + port);
      if (mine != null && !URI.create(mine).getScheme().equals(scheme)) {
        lastError = "bootstrap at " + scheme + "://" + hostPort + " from DNS for " + service
            + " has scheme mismatch with expected peer " + mine;
        continue;
      }
      out.add(new String[] {mine != null ? name : Integer.toString(tempName++), scheme + "://" + hostPort});
    }
    if (out.isEmpty()) {
      errors.add("error querying DNS SRV records for _" + service + " "
          + (lastError != null ? lastError : "lookup " + srvName + on() + ": no such host"));
    }
    return out;
  }

  /** A client endpoint of the _etcd-client[-ssl] records (etcd's srv.GetClient), its host resolved on the server. */
  public record ClientTarget(String host, int port, String ip) {}

  /**
   * etcd's srv.GetClient as the gateway uses it: the targets of {@code _etcd-client-ssl[-SUFFIX]._tcp.DOMAIN} and
   * {@code _etcd-client[-SUFFIX]._tcp.DOMAIN}, each once, with its address on the configured server.
   *
   * @throws IllegalStateException with etcd's "dns lookup errors: ..." when neither has a usable target
   */
  public List<ClientTarget> clientTargets(String domain, String serviceSuffix) {
    String suffix = serviceSuffix.isEmpty() ? "" : "-" + serviceSuffix;
    List<String> errors = new ArrayList<>();
    List<ClientTarget> out = new ArrayList<>();
    for (String service : List.of("etcd-client-ssl" + suffix, "etcd-client" + suffix)) {
      String srvName = "_" + service + "._tcp." + domain;
      List<akka.discovery.ServiceDiscovery.ResolvedTarget> targets;
      try {
        targets = lookupSrv(service, domain);
      } catch (ExecutionException | TimeoutException e) {
        errors.add("lookup " + srvName + on() + ": " + reason(e));
        continue;
      }
      for (Target t : distinct(targets)) {
        resolve(t.host()).ifPresent(ip -> out.add(new ClientTarget(t.host(), t.port(), ip)));
      }
      if (targets.isEmpty()) {
        errors.add("lookup " + srvName + on() + ": no such host");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("dns lookup errors: " + String.join(" and ", errors));
    }
    return out;
  }

  /** An SRV target: its host (without the root's trailing dot) and port. */
  private record Target(String host, int port) {}

  /** Each target once, in the records' order (Akka lists a target once per address of it). */
  private static List<Target> distinct(List<akka.discovery.ServiceDiscovery.ResolvedTarget> targets) {
    Set<Target> seen = new LinkedHashSet<>();
    for (var t : targets) {
      String host = t.host().endsWith(".") ? t.host().substring(0, t.host().length() - 1) : t.host();
      seen.add(new Target(host, t.getPort().map(p -> ((Number) p).intValue()).orElse(0)));
    }
    return List.copyOf(seen);
  }

  private List<akka.discovery.ServiceDiscovery.ResolvedTarget> lookupSrv(String service, String domain)
      throws ExecutionException, TimeoutException {
    try {
      return discovery.lookup(Lookup.create(domain).withPortName(service).withProtocol("tcp"),
              QUERY_TIMEOUT.plusSeconds(1))
          .toCompletableFuture().get(QUERY_TIMEOUT.toMillis() + 2000, TimeUnit.MILLISECONDS)
          .getAddresses();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterPlanException("interrupted during SRV discovery");
    }
  }

  /** Go's resolver's words for a failed lookup. */
  private static String reason(Exception e) {
    return e instanceof TimeoutException || e.getCause() instanceof TimeoutException
        || String.valueOf(e.getCause()).contains("Timeout") ? "i/o timeout" : e.getCause().getMessage();
  }

  /**
   * A host name's address on the configured server, preferring IPv4 as Go's net.ResolveTCPAddr("tcp", ...); an IP
   * literal as it is.
   */
  Optional<String> resolve(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.chars().allMatch(c -> Character.isDigit(c) || c == '.') || h.contains(":")) {
      return Optional.of(h);
    }
    try {
      Object reply = Patterns.ask(dns, DnsProtocol.resolve(h), QUERY_TIMEOUT.plusSeconds(1))
          .toCompletableFuture().get(QUERY_TIMEOUT.toMillis() + 2000, TimeUnit.MILLISECONDS);
      if (!(reply instanceof DnsProtocol.Resolved resolved)) {
        return Optional.empty();
      }
      List<InetAddress> ips = new ArrayList<>();
      for (ResourceRecord r : resolved.getRecords()) {
        if (r instanceof ARecord a) {
          ips.add(a.ip());
        } else if (r instanceof AAAARecord a) {
          ips.add(a.ip());
        }
      }
      return ips.stream().filter(a -> a instanceof Inet4Address).findFirst().or(() -> ips.stream().findFirst())
          .map(InetAddress::getHostAddress);
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** An AdvertiseCheck resolving through the same server, so --initial-advertise-peer-urls host names match. */
  AdvertiseCheck advertiseCheck() {
    return new AdvertiseCheck(this::resolve);
  }

  /**
   * The plan a member bootstrapping with --discovery-srv uses: the SRV records' cluster, checked as etcd checks a
   * new (or existing) member's initial cluster, with host names resolved on the same server.
   */
  public ClusterPlan plan(String name, String domain, String serviceSuffix, List<String> advertisePeerUrls,
      List<String> listenPeerUrls, String token, String initialClusterState) {
    String initialCluster = initialCluster(name, domain, serviceSuffix, advertisePeerUrls);
    return ClusterPlan.of(name, initialCluster, advertisePeerUrls, listenPeerUrls, token, initialClusterState)
        .verifiedForFirstStart(advertiseCheck());
  }

  private String on() {
    return nameserver.isEmpty() ? "" : " on " + nameserver;
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // a stuck shutdown of a helper system must not keep the member from starting
    }
  }
}
