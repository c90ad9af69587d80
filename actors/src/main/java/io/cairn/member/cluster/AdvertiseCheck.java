package io.cairn.member.cluster;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * etcd 3.4's ServerConfig.advertiseMatchesCluster: on a new cluster, this member's --initial-advertise-peer-urls
 * must equal its URLs in --initial-cluster, after resolving host names (except "localhost" and IP literals, which
 * etcd compares as written). Error texts are etcd's, checked against etcd 3.4.23.
 */
final class AdvertiseCheck {

  /** Host name → IP text; empty when it does not resolve (the URL then compares as written). */
  private final Function<String, Optional<String>> resolver;

  AdvertiseCheck(Function<String, Optional<String>> resolver) {
    this.resolver = resolver;
  }

  /** With the JVM's resolver, preferring IPv4 as Go's net.ResolveTCPAddr("tcp", ...) does. */
  static AdvertiseCheck withDns() {
    return new AdvertiseCheck(AdvertiseCheck::resolve);
  }

  /** @throws ClusterPlanException with etcd's text when the URL sets differ */
  void check(String name, List<String> initialClusterUrls, List<String> advertisedUrls) {
    List<String> urls = sorted(initialClusterUrls);
    List<String> apurls = sorted(advertisedUrls);
    String notEqual = urlStringsEqual(apurls, urls);
    if (notEqual == null) {
      return;
    }
    Set<String> initSet = new LinkedHashSet<>(urls);
    Set<String> apSet = new LinkedHashSet<>(apurls);
    List<String> missing = initSet.stream().filter(u -> !apSet.contains(u)).toList();
    if (!missing.isEmpty()) {
      throw new ClusterPlanException(String.format(
          "--initial-cluster has %s but missing from --initial-advertise-peer-urls=%s (%s)",
          missing.stream().map(u -> name + "=" + u).collect(Collectors.joining(",")),
          String.join(",", apurls),
          notEqual));
    }
    List<String> extra = apSet.stream().filter(u -> !initSet.contains(u)).toList();
    // etcd prints the advertised URLs under this member's name as "the" --initial-cluster it expected.
    String expected = apurls.stream().map(u -> name + "=" + u).sorted().collect(Collectors.joining(","));
    if (!extra.isEmpty()) {
      throw new ClusterPlanException(String.format(
          "--initial-advertise-peer-urls has %s but missing from --initial-cluster=%s",
          String.join(",", extra), expected));
    }
    throw new ClusterPlanException(String.format(
        "failed to resolve %s to match --initial-cluster=%s (%s)", String.join(",", apurls), expected, notEqual));
  }

  /** netutil.URLStringsEqual: null when equal, else etcd's reason. */
  private String urlStringsEqual(List<String> a, List<String> b) {
    if (a.size() != b.size()) {
      return "len(" + goQuote(a) + ") != len(" + goQuote(b) + ")";
    }
    List<URI> ra = sortedUris(a.stream().map(this::resolved).toList());
    List<URI> rb = sortedUris(b.stream().map(this::resolved).toList());
    for (int i = 0; i < ra.size(); i++) {
      if (!ra.get(i).equals(rb.get(i))) {
        return "resolved urls: \"" + schemeAndHost(ra.get(i)) + "\" != \"" + schemeAndHost(rb.get(i)) + "\"";
      }
    }
    return null;
  }

  private URI resolved(String url) {
    URI u = URI.create(url);
    String host = u.getHost();
    if (host == null || host.equals("localhost") || isIpLiteral(host)) {
      return u;
    }
    return resolver.apply(host)
        .map(ip -> URI.create(u.getScheme() + "://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + u.getPort()
            + (u.getRawPath() == null ? "" : u.getRawPath())))
        .orElse(u);
  }

  private static boolean isIpLiteral(String host) {
    return host.startsWith("[") || host.chars().allMatch(c -> Character.isDigit(c) || c == '.');
  }

  private static String schemeAndHost(URI u) {
    return u.getScheme() + "://" + u.getRawAuthority();
  }

  private static List<String> sorted(List<String> urls) {
    List<String> s = new ArrayList<>(urls);
    s.sort(null);
    return s;
  }

  private static List<URI> sortedUris(List<URI> uris) {
    List<URI> s = new ArrayList<>(uris);
    s.sort((x, y) -> x.toString().compareTo(y.toString()));
    return s;
  }

  /** Go's %q of a []string: ["a" "b"]. */
  private static String goQuote(List<String> values) {
    return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(" ", "[", "]"));
  }

  private static Optional<String> resolve(String host) {
    try {
      InetAddress[] all = InetAddress.getAllByName(host);
      return Arrays.stream(all)
          .filter(a -> a instanceof Inet4Address)
          .findFirst()
          .or(() -> Arrays.stream(all).findFirst())
          .map(InetAddress::getHostAddress);
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
