package io.cairn.launcher.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * etcd's pkg/types.NewURLs: comma-separated URLs; each must use scheme http, https, unix or unixs, have a
 * "host:port" address and no path (so "http://h:2379/" is rejected, as in etcd). The result is sorted, as etcd sorts.
 */
final class EtcdUrls {
  private static final Set<String> SCHEMES = Set.of("http", "https", "unix", "unixs");
  private static final Pattern HIERARCHICAL = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^?#]*)(.*)$");
  private static final Pattern OPAQUE = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):.*$");

  private EtcdUrls() {}

  static List<URI> parseList(String commaSeparated) throws InvalidValueException {
    List<URI> urls = new ArrayList<>();
    for (String one : commaSeparated.split(",", -1)) {
      urls.add(parse(one.strip()));
    }
    urls.sort(Comparator.comparing(URI::toString));
    return List.copyOf(urls);
  }

  static URI parse(String s) throws InvalidValueException {
    Matcher m = HIERARCHICAL.matcher(s);
    if (!m.matches()) {
      Matcher opaque = OPAQUE.matcher(s);
      String scheme = opaque.matches() ? opaque.group(1).toLowerCase(java.util.Locale.ROOT) : "";
      if (!SCHEMES.contains(scheme)) {
        throw new InvalidValueException("URL scheme must be http, https, unix, or unixs: " + s);
      }
      throw new InvalidValueException("URL address does not have the form \"host:port\": " + s);
    }
    String scheme = m.group(1).toLowerCase(java.util.Locale.ROOT);
    String hostPort = m.group(2).substring(m.group(2).lastIndexOf('@') + 1);
    checkPortSyntax(s, hostPort);
    if (!SCHEMES.contains(scheme)) {
      throw new InvalidValueException("URL scheme must be http, https, unix, or unixs: " + s);
    }
    if (!hasHostAndPort(hostPort)) {
      throw new InvalidValueException("URL address does not have the form \"host:port\": " + s);
    }
    if (!m.group(3).isEmpty()) {
      throw new InvalidValueException("URL must not contain a path: " + s);
    }
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      throw new InvalidValueException("parse \"" + s + "\": " + e.getReason());
    }
  }

  /** Go's url.Parse: what follows the last ':' of the host (outside IPv6 brackets) must be digits. */
  private static void checkPortSyntax(String url, String hostPort) throws InvalidValueException {
    int close = hostPort.lastIndexOf(']');
    int colon = hostPort.lastIndexOf(':');
    if (colon > close && !hostPort.substring(colon + 1).chars().allMatch(Character::isDigit)) {
      throw new InvalidValueException(
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

  /** The host of a "host:port" authority, without IPv6 brackets. */
  static String host(URI url) {
    String authority = url.getRawAuthority() == null ? "" : url.getRawAuthority();
    String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
    if (hostPort.startsWith("[")) {
      return hostPort.substring(1, Math.max(1, hostPort.indexOf(']')));
    }
    int colon = hostPort.lastIndexOf(':');
    return colon < 0 ? hostPort : hostPort.substring(0, colon);
  }

  /** Go's net.ParseIP succeeds: a literal IPv4 or IPv6 address (no name lookup). */
  static boolean isIpLiteral(String host) {
    if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      for (String octet : host.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return true;
    }
    if (host.contains(":") && host.matches("[0-9A-Fa-f:.]+")) {
      try {
        java.net.InetAddress.getByName(host); // a literal: parsed, never resolved
        return true;
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }
    return false;
  }
}
