package io.cairn.launcher.grpcproxy;

import io.cairn.launcher.config.GoNet;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --endpoints} as clientv3 reads them: "host:port", "http://host:port" or "https://host:port". TLS is used
 * towards an https endpoint, and towards a schemeless one when TLS flags are given (clientv3's creds for an endpoint
 * without scheme); http endpoints are plain h2c.
 */
record MemberEndpoints(List<Endpoint> endpoints, boolean tls) {
  record Endpoint(String host, int port) {
    String hostPort() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  static MemberEndpoints parse(List<String> given, boolean tlsFlagsGiven) {
    List<Endpoint> endpoints = new ArrayList<>();
    boolean anyHttps = false;
    boolean anyHttp = false;
    for (String raw : given) {
      String e = raw.strip();
      if (e.isEmpty()) {
        continue;
      }
      if (e.contains("://")) {
        URI uri = URI.create(e);
        String scheme = uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
          throw new IllegalArgumentException("unsupported endpoint scheme: " + e);
        }
        anyHttps |= scheme.equals("https");
        anyHttp |= scheme.equals("http");
        if (uri.getHost() == null || uri.getPort() < 0) {
          throw new IllegalArgumentException("endpoint needs a host and a port: " + e);
        }
        endpoints.add(new Endpoint(uri.getHost().replaceAll("^\\[|\\]$", ""), uri.getPort()));
      } else {
        endpoints.add(hostPort(e));
      }
    }
    if (anyHttp && anyHttps) {
      throw new IllegalArgumentException("mixed http and https endpoints are not supported by Cairn's proxy");
    }
    return new MemberEndpoints(List.copyOf(endpoints), anyHttps || (!anyHttp && tlsFlagsGiven));
  }

  /** Go's net.SplitHostPort. */
  static Endpoint hostPort(String hostPort) {
    GoNet.HostPort split = GoNet.splitHostPort(hostPort);
    return new Endpoint(split.host(), split.port());
  }

  List<String> urls() {
    return endpoints.stream().map(e -> (tls ? "https://" : "http://") + e.hostPort()).toList();
  }
}
