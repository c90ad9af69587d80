package io.cairn.member.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * etcd's pkg/types.NewURLs, with its messages: each URL (spaces trimmed) must use scheme http, https, unix or unixs,
 * have a "host:port" address and no path (so "http://h:2379/" is rejected, as in etcd); the result is sorted, as etcd
 * sorts. One check for every place etcd applies it: URL flags, the v3 Cluster service's MemberAdd/MemberUpdate and
 * the v2 members API.
 */
public final class NewUrls {
  private static final Set<String> SCHEMES = Set.of("http", "https", "unix", "unixs");
  private static final Pattern HIERARCHICAL = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^?#]*)(.*)$");
  private static final Pattern OPAQUE = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):.*$");

  private NewUrls() {}

  /** Every URL checked, sorted; none at all is etcd's "no valid URLs given". */
  public static List<URI> parseAll(List<String> urls) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("no valid URLs given");
    }
    List<URI> parsed = new ArrayList<>();
    for (String one : urls) {
      parsed.add(parse(one));
    }
    parsed.sort(Comparator.comparing(URI::toString));
    return List.copyOf(parsed);
  }

  /** One URL; an IllegalArgumentException carries etcd's message. */
  public static URI parse(String given) {
    String s = given.strip();
    Matcher m = HIERARCHICAL.matcher(s);
    if (!m.matches()) {
      Matcher opaque = OPAQUE.matcher(s);
      String scheme = opaque.matches() ? opaque.group(1).toLowerCase(Locale.ROOT) : "";
      if (!SCHEMES.contains(scheme)) {
        throw new IllegalArgumentException("URL scheme must be http, https, unix, or unixs: " + s);
      }
      throw new IllegalArgumentException("URL address does not have the form \"host:port\": " + s);
    }
    String scheme = m.group(1).toLowerCase(Locale.ROOT);
    String hostPort = m.group(2).substring(m.group(2).lastIndexOf('@') + 1);
    checkPortSyntax(s, hostPort);
    if (!SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException("URL scheme must be http, https, unix, or unixs: " + s);
    }
    if (!hasHostAndPort(hostPort)) {
      throw new IllegalArgumentException("URL address does not have the form \"host:port\": " + s);
    }
    if (!m.group(3).isEmpty()) {
      throw new IllegalArgumentException("URL must not contain a path: " + s);
    }
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("parse \"" + s + "\": " + e.getReason());
    }
  }

  /** Go's url.Parse: what follows the last ':' of the host (outside IPv6 brackets) must be digits. */
  private static void checkPortSyntax(String url, String hostPort) {
    int close = hostPort.lastIndexOf(']');
    int colon = hostPort.lastIndexOf(':');
    if (colon > close && !hostPort.substring(colon + 1).chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "parse \"" + url + "\": invalid port \"" + hostPort.substring(colon) + "\" after host");
    }
  }

  /** Go's net.SplitHostPort succeeds: "[v6]:port" or "host:port" with exactly one colon. */
  private static boolean hasHostAndPort(String hostPort) {
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      return close > 0 && hostPort.startsWith(":", close + 1) && hostPort.indexOf(':', close + 2) < 0;
    }
    int colon = hostPort.indexOf(':');
    return colon >= 0 && colon == hostPort.lastIndexOf(':') && hostPort.indexOf('[') < 0;
  }
}
