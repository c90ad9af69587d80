package io.cairn.launcher.grpcproxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code etcd grpc-proxy start}'s flags, names and defaults as etcd 3.4's etcdmain/grpc_proxy.go declares them. */
@Command(name = "start", description = "start the grpc proxy")
final class StartFlags {
  @Option(names = "--endpoints", split = ",") List<String> endpoints = new ArrayList<>(List.of("127.0.0.1:2379"));
  @Option(names = "--listen-addr") String listenAddr = "127.0.0.1:23790";
  @Option(names = "--advertise-client-url") String advertiseClientUrl = "127.0.0.1:23790";
  @Option(names = "--resolver-prefix") String resolverPrefix = "";
  @Option(names = "--resolver-ttl") long resolverTtlSeconds = 0;
  @Option(names = "--namespace") String namespace = "";
  @Option(names = "--metrics-addr") String metricsAddr = "";
  // etcd uses it only for --auto-tls's certificates, which Cairn's proxy refuses: accepted, nothing written there
  @Option(names = "--data-dir") String dataDir = "default.proxy";
  @Option(names = "--debug", arity = "0..1") boolean debug;
  // towards the members
  @Option(names = "--cert") String cert = "";
  @Option(names = "--key") String key = "";
  @Option(names = "--cacert") String cacert = "";
  @Option(names = "--insecure-skip-tls-verify", arity = "0..1") boolean insecureSkipTlsVerify;
  @Option(names = "--max-send-bytes") int maxSendBytes = 1572864;
  @Option(names = "--max-recv-bytes") int maxRecvBytes = Integer.MAX_VALUE;
  // the proxy's own listener
  @Option(names = "--cert-file") String certFile = "";
  @Option(names = "--key-file") String keyFile = "";
  @Option(names = "--trusted-ca-file") String trustedCaFile = "";
  // etcd's, not implemented by Cairn: refused when given (see unsupported())
  @Option(names = "--auto-tls", arity = "0..1") boolean autoTls;
  @Option(names = "--client-crl-file") String clientCrlFile = "";
  @Option(names = "--discovery-srv") String discoverySrv = "";
  @Option(names = "--discovery-srv-name") String discoverySrvName = "";
  @Option(names = "--insecure-discovery", arity = "0..1") boolean insecureDiscovery;
  @Option(names = "--enable-pprof", arity = "0..1") boolean enablePprof;
  @Option(names = "--experimental-leasing-prefix") String leasingPrefix = "";
  @Option(names = "--experimental-serializable-ordering", arity = "0..1") boolean serializableOrdering;
  @Option(names = "--listen-cipher-suites", split = ",") List<String> listenCipherSuites = new ArrayList<>();
  @Option(names = "--max-concurrent-streams") long maxConcurrentStreams = 4294967295L;
  @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;

  /** The given flags Cairn's proxy does not implement, each with why (empty when none). */
  Map<String, String> unsupported() {
    Map<String, String> refused = new LinkedHashMap<>();
    if (autoTls) {
      refused.put("--auto-tls", "generated proxy certificates are not implemented; give --cert-file/--key-file");
    }
    if (!clientCrlFile.isEmpty()) {
      refused.put("--client-crl-file", "certificate revocation lists are not implemented");
    }
    if (!discoverySrv.isEmpty() || !discoverySrvName.isEmpty() || insecureDiscovery) {
      refused.put("--discovery-srv", "SRV discovery is not implemented for the gRPC proxy; list --endpoints");
    }
    if (enablePprof) {
      refused.put("--enable-pprof", "Go's pprof has no JVM equivalent here");
    }
    if (!leasingPrefix.isEmpty()) {
      refused.put("--experimental-leasing-prefix", "leasing reads are not implemented");
    }
    if (serializableOrdering) {
      refused.put("--experimental-serializable-ordering", "not implemented");
    }
    if (!listenCipherSuites.isEmpty()) {
      refused.put("--listen-cipher-suites", "not implemented; the JDK's default suites are used");
    }
    if (maxSendBytes != 1572864) {
      refused.put("--max-send-bytes", "a send limit towards the members is not implemented (the members' own applies)");
    }
    if (maxConcurrentStreams != 4294967295L) {
      refused.put("--max-concurrent-streams", "not implemented; Akka HTTP's HTTP/2 default applies");
    }
    return refused;
  }
}
