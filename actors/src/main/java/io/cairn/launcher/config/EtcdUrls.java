package io.cairn.launcher.config;

import io.cairn.member.cluster.NewUrls;
import java.net.URI;
import java.util.Arrays;
import java.util.List;

/**
 * URL flag values: etcd's pkg/types.NewURLs ({@link NewUrls}) on a comma-separated list, its refusals as the flag
 * parser's InvalidValueException; and the host checks the flag validator needs.
 */
final class EtcdUrls {
  private EtcdUrls() {}

  static List<URI> parseList(String commaSeparated) throws InvalidValueException {
    try {
      return NewUrls.parseAll(Arrays.asList(commaSeparated.split(",", -1)));
    } catch (IllegalArgumentException e) {
      throw new InvalidValueException(e.getMessage());
    }
  }

  static URI parse(String s) throws InvalidValueException {
    try {
      return NewUrls.parse(s);
    } catch (IllegalArgumentException e) {
      throw new InvalidValueException(e.getMessage());
    }
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
