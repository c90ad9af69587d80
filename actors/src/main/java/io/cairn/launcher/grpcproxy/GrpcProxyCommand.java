package io.cairn.launcher.grpcproxy;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.HttpsConnectionContext;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.cairn.grpc.TlsContexts;
import io.cairn.launcher.CairnConfig;
import io.cairn.launcher.Foreground;
import io.cairn.launcher.config.GoNet;
import io.cairn.launcher.config.ZapLines;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * {@code cairn grpc-proxy start}: etcd 3.4's gRPC proxy (etcdmain/grpc_proxy.go), same flags and defaults, the same
 * argument checks and exits, the same startup lines. Serves every etcd service, forwarding to the members
 * ({@link MemberClients}) through the {@link Namespace}; MemberList from the registrations ({@link ClusterProxy},
 * {@link Registration}); /health and /metrics ({@link ProxyHttpEndpoints}).
 */
public final class GrpcProxyCommand {
  static final int EXIT_ERROR = 1;

  private GrpcProxyCommand() {}

  /** Runs {@code cairn grpc-proxy ARGS...} ({@code args} without "grpc-proxy"); returns the exit code or serves. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !args[0].equals("start")) {
      out.println(Usage.GRPC_PROXY);
      return args.length == 0 || args[0].equals("-h") || args[0].equals("--help") ? 0 : EXIT_ERROR;
    }
    StartFlags flags = new StartFlags();
    try {
      new CommandLine(flags).parseArgs(Arrays.copyOfRange(args, 1, args.length));
    } catch (CommandLine.ParameterException e) {
      err.println("Error: " + e.getMessage());
      err.println(Usage.START.substring(Usage.START.indexOf("Usage:")));
      err.println();
      err.println(e.getMessage());
      return EXIT_ERROR;
    }
    if (flags.help) {
      out.println(Usage.START);
      return 0;
    }
    Map<String, String> refused = flags.unsupported();
    if (!refused.isEmpty()) {
      refused.forEach((flag, why) -> err.println("cairn grpc-proxy: " + flag + " is not supported: " + why));
      return EXIT_ERROR;
    }
    // etcdmain/grpc_proxy.go checkArgs
    if (!flags.resolverPrefix.isEmpty() && flags.resolverTtlSeconds < 1) {
      err.println("invalid resolver-ttl " + flags.resolverTtlSeconds);
      return EXIT_ERROR;
    }
    if (flags.resolverPrefix.isEmpty() && flags.resolverTtlSeconds > 0) {
      err.println("invalid resolver-prefix \"" + flags.resolverPrefix + "\"");
      return EXIT_ERROR;
    }
    if (!flags.resolverPrefix.isEmpty() && flags.resolverTtlSeconds > 0 && flags.advertiseClientUrl.isEmpty()) {
      err.println("invalid advertise-client-url \"" + flags.advertiseClientUrl + "\"");
      return EXIT_ERROR;
    }
    try {
      return start(flags, err);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return EXIT_ERROR;
    }
  }

  private static int start(StartFlags flags, PrintStream err) {
    ZapLines log = new ZapLines(err);
    boolean memberTlsFlags = !flags.cert.isEmpty() || !flags.key.isEmpty() || !flags.cacert.isEmpty()
        || flags.insecureSkipTlsVerify;
    MemberEndpoints endpoints = MemberEndpoints.parse(flags.endpoints, memberTlsFlags);
    if (endpoints.endpoints().isEmpty()) {
      throw new IllegalArgumentException("no endpoints found");
    }
    MemberEndpoints.Endpoint listen = MemberEndpoints.hostPort(flags.listenAddr);
    try {
      MemberTls.requireEmptyCommonName(flags.cert);
      MemberTls.requireEmptyCommonName(flags.certFile);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    MemberTls memberTls = endpoints.tls() ? loadMemberTls(flags) : null;
    HttpsConnectionContext listenTls = listenTls(flags);
    URI metricsUrl = flags.metricsAddr.isEmpty() ? null : URI.create(flags.metricsAddr);
    if (metricsUrl != null && (metricsUrl.getHost() == null || metricsUrl.getPort() < 0)) {
      throw new IllegalArgumentException("invalid --metrics-addr " + flags.metricsAddr + " (want http(s)://host:port)");
    }
    if (metricsUrl != null && "https".equals(metricsUrl.getScheme()) && listenTls == null) {
      throw new IllegalArgumentException("--metrics-addr " + flags.metricsAddr + " needs --cert-file and --key-file");
    }

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "cairn-grpc-proxy", ConfigFactory.empty()
        .withValue("akka.loglevel", ConfigValueFactory.fromAnyRef(flags.debug ? "DEBUG" : "OFF"))
        .withValue("akka.stdout-loglevel", ConfigValueFactory.fromAnyRef("OFF"))
        .withValue("akka.http.server.preview.enable-http2", ConfigValueFactory.fromAnyRef("on"))
        .withFallback(ConfigFactory.load()));
    Namespace ns = new Namespace(flags.namespace);
    MemberClients members;
    try {
      members = new MemberClients(MemberClients.settings(endpoints, memberTls, flags.maxRecvBytes, system), system);
    } catch (IOException | GeneralSecurityException e) {
      system.terminate();
      throw new IllegalArgumentException("cannot set up TLS towards the members: " + e.getMessage(), e);
    }
    String hostname = hostname();
    ProxyHttpEndpoints http = new ProxyHttpEndpoints(members, ns, endpoints, memberTls, system);
    ClusterProxy cluster = new ClusterProxy(members, ns, flags.advertiseClientUrl, flags.resolverPrefix, hostname);
    try {
      ProxyServer.bind(listen, listenTls, ProxyServer.handler(members, ns, cluster, http, system), system)
          .toCompletableFuture().join();
      log.info("etcdmain/grpc_proxy.go:345", "listening for gRPC proxy client requests", "address",
          flags.listenAddr);
      if (metricsUrl != null) {
        MemberEndpoints.Endpoint at = new MemberEndpoints.Endpoint(metricsUrl.getHost(), metricsUrl.getPort());
        ProxyServer.bindMetrics(at, "https".equals(metricsUrl.getScheme()) ? listenTls : null, http, system)
            .toCompletableFuture().join();
        log.info("etcdmain/grpc_proxy.go:481", "gRPC proxy listening for metrics", "address", flags.metricsAddr);
      }
    } catch (CompletionException e) {
      err.println("listen tcp " + flags.listenAddr + ": bind: " + GoNet.bindFailure(e.getCause()));
      system.terminate();
      return EXIT_ERROR;
    }
    log.info("etcdmain/grpc_proxy.go:240", "started gRPC proxy", "address", flags.listenAddr);
    if (metricsUrl != null) {
      log.info("etcdmain/grpc_proxy.go:230", "gRPC proxy server metrics URL serving");
    }
    Registration registration = null;
    if (!flags.resolverPrefix.isEmpty()) {
      registration = new Registration(members, ns, flags.resolverPrefix,
          new ResolverEntry(flags.advertiseClientUrl, hostname), flags.resolverTtlSeconds, err, system);
      registration.start();
    }
    awaitShutdown(registration, system);
    return 0;
  }

  /** Until SIGTERM/SIGINT; then the registration's lease is revoked (bounded) and the proxy stops. */
  private static void awaitShutdown(Registration registration, ActorSystem<?> system) {
    Foreground.runUntilSignalled("grpc-proxy", () -> {
      if (registration != null) {
        try {
          registration.stop().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
          // the lease then expires after its TTL, as etcd's when its revoke fails
        }
      }
      system.terminate();
    });
  }

  private static MemberTls loadMemberTls(StartFlags flags) {
    try {
      return MemberTls.load(flags.cert, flags.key, flags.cacert, flags.insecureSkipTlsVerify);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load the TLS material towards the members: " + e.getMessage(), e);
    }
  }

  /** --cert-file/--key-file/--trusted-ca-file: TLS on the listen address; a CA file requires client certificates. */
  private static HttpsConnectionContext listenTls(StartFlags flags) {
    if (flags.certFile.isEmpty() && flags.keyFile.isEmpty() && flags.trustedCaFile.isEmpty()) {
      return null;
    }
    if (flags.certFile.isEmpty() || flags.keyFile.isEmpty()) {
      throw new IllegalArgumentException("the proxy's TLS listener needs both --cert-file and --key-file");
    }
    Path ca = flags.trustedCaFile.isEmpty() ? null : Path.of(flags.trustedCaFile);
    return TlsContexts.server(new CairnConfig.Tls(Path.of(flags.certFile), Path.of(flags.keyFile), ca, ca != null,
        false));
  }

  /** Go's os.Hostname (the kernel's host name, no DNS lookup). */
  static String hostname() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (Exception e) {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (Exception unknown) {
        return "";
      }
    }
  }
}
