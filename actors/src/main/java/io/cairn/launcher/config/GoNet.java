package io.cairn.launcher.config;

/**
 * The bits of Go's net package the proxies (gateway, grpc-proxy) answer with: net.SplitHostPort on their address
 * flags and the "listen tcp ADDR: bind: ..." reasons a failed listen prints.
 */
public final class GoNet {
  private GoNet() {}

  /** A host (IPv6 without brackets; an empty host means every interface, "0.0.0.0") and a port. */
  public record HostPort(String host, int port) {}

  /** Go's net.SplitHostPort; throws with Go's words ("address X: missing port in address", "invalid port"). */
  public static HostPort splitHostPort(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("address " + hostPort + ": missing port in address");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new HostPort(host.isEmpty() ? "0.0.0.0" : host, Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address " + hostPort + ": invalid port", e);
    }
  }

  /** The reason Go's listen gives for a failed bind, from the JVM's exception. */
  public static String bindFailure(Throwable cause) {
    String text = String.valueOf(cause);
    return text.contains("in use") || text.contains("Address already") ? "address already in use"
        : text.contains("assign") ? "cannot assign requested address" : String.valueOf(cause.getMessage());
  }
}
