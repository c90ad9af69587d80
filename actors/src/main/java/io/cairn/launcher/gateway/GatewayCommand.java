package io.cairn.launcher.gateway;

import akka.actor.ActorSystem;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.cairn.launcher.Foreground;
import io.cairn.launcher.config.GoNet;
import io.cairn.launcher.config.ZapLines;
import io.cairn.member.GoDuration;
import io.cairn.member.cluster.SrvDiscovery;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn gateway start}: etcd 3.4's gateway command, same flags, defaults, log lines and exits (1 when no
 * endpoint is found or the listen address cannot be bound). See {@link TcpProxy} for what it does.
 * {@code --discovery-srv} reads the {@code _etcd-client-ssl} and {@code _etcd-client} SRV records (with
 * {@code --discovery-srv-name}'s suffix) through {@code --discovery-srv-nameserver} or the system resolver.
 */
public final class GatewayCommand {
  static final int EXIT_ERROR = 1;

  @Command(name = "start", description = "start the gateway")
  static final class StartArgs {
    @Option(names = "--endpoints", split = ",") List<String> endpoints = new ArrayList<>(List.of("127.0.0.1:2379"));
    @Option(names = "--listen-addr") String listenAddr = "127.0.0.1:23790";
    @Option(names = "--discovery-srv") String discoverySrv = "";
    @Option(names = "--discovery-srv-name") String discoverySrvName = "";
    @Option(names = "--discovery-srv-nameserver") String discoverySrvNameserver =
        System.getenv().getOrDefault("ETCD_DISCOVERY_SRV_NAMESERVER", "");
    @Option(names = "--retry-delay") String retryDelay = "1m0s";
    // Accepted as etcd's, unused: they only verify the TLS certificates of discovered https endpoints, which this
    // gateway, passing bytes through, never checks (etcd's gateway does not terminate TLS either).
    @Option(names = "--insecure-discovery", arity = "0..1") boolean insecureDiscovery;
    @Option(names = "--trusted-ca-file") String trustedCaFile = "";
    @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
  }

  private GatewayCommand() {}

  /** Runs {@code cairn gateway ARGS...} ({@code args} without "gateway"); returns the exit code or serves forever. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !args[0].equals("start")) {
      out.println(USAGE);
      return args.length == 0 ? 0 : EXIT_ERROR;
    }
    StartArgs start = new StartArgs();
    CommandLine cli = new CommandLine(start);
    try {
      cli.parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));
    } catch (CommandLine.ParameterException e) {
      err.println("Error: " + e.getMessage());
      return EXIT_ERROR;
    }
    if (start.help) {
      out.println(START_USAGE);
      return 0;
    }
    Duration retryDelay;
    try {
      retryDelay = GoDuration.parse(start.retryDelay);
    } catch (IllegalArgumentException e) {
      err.println("Error: invalid argument \"" + start.retryDelay + "\" for \"--retry-delay\" flag: " + e.getMessage());
      err.println(START_USAGE.substring(START_USAGE.indexOf("Usage:")));
      return EXIT_ERROR;
    }
    ZapLines log = new ZapLines(err);
    List<TcpProxy.Endpoint> endpoints;
    if (!start.discoverySrv.isEmpty()) {
      try (SrvDiscovery dns = SrvDiscovery.open(start.discoverySrvNameserver)) {
        endpoints = new ArrayList<>();
        for (SrvDiscovery.ClientTarget t : dns.clientTargets(start.discoverySrv, start.discoverySrvName)) {
          endpoints.add(new TcpProxy.Endpoint(t.host() + ":" + t.port(), t.ip(), t.port()));
        }
      } catch (IllegalStateException e) {
        err.println(e.getMessage());
        return EXIT_ERROR;
      }
    } else {
      endpoints = new ArrayList<>();
      // --endpoints= : etcd's flag parsing yields no endpoint at all
      List<String> given = start.endpoints.equals(List.of("")) ? List.of() : start.endpoints;
      for (String endpoint : given) {
        String hostPort = stripSchema(endpoint.strip());
        try {
          endpoints.add(parseEndpoint(hostPort));
        } catch (IllegalArgumentException e) {
          // etcd refuses an empty entry so; one without a port it dials and fails on every connection
          out.println("error parsing endpoint \"" + endpoint + "\"");
          return EXIT_ERROR;
        }
      }
    }
    if (endpoints.isEmpty()) {
      out.println("no endpoints found");
      return EXIT_ERROR;
    }
    TcpProxy.Endpoint listen;
    try {
      listen = parseEndpoint(start.listenAddr);
    } catch (IllegalArgumentException e) {
      err.println("listen tcp " + start.listenAddr + ": address " + start.listenAddr + ": missing port in address");
      return EXIT_ERROR;
    }
    ActorSystem system = ActorSystem.create("cairn-gateway", ConfigFactory.empty()
        .withValue("akka.loglevel", ConfigValueFactory.fromAnyRef("OFF"))
        .withValue("akka.stdout-loglevel", ConfigValueFactory.fromAnyRef("OFF"))
        .withFallback(SrvDiscovery.resolverConfig(start.discoverySrvNameserver))
        .withFallback(ConfigFactory.load()));
    try {
      new TcpProxy(system, endpoints, retryDelay, log).bind(listen.dialHost(), listen.dialPort()).toCompletableFuture().join();
    } catch (CompletionException e) {
      err.println("listen tcp " + start.listenAddr + ": bind: " + GoNet.bindFailure(e.getCause()));
      system.terminate();
      return EXIT_ERROR;
    }
    log.info("tcpproxy/userspace.go:90", "ready to proxy client requests", "endpoints",
        endpoints.stream().map(TcpProxy.Endpoint::address).toList());
    Foreground.runUntilSignalled("gateway", system::terminate);
    return 0;
  }

  /** etcd's stripSchema: "http://host:port" and "host:port" both mean host:port (the gateway never speaks TLS). */
  static String stripSchema(String endpoint) {
    if (endpoint.contains("://")) {
      URI uri = URI.create(endpoint);
      if (uri.getHost() != null) {
        return uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
      }
    }
    return endpoint;
  }

  /** host:port (Go's net.SplitHostPort; an empty host is every interface). */
  static TcpProxy.Endpoint parseEndpoint(String hostPort) {
    GoNet.HostPort split = GoNet.splitHostPort(hostPort);
    return new TcpProxy.Endpoint(hostPort, split.host(), split.port());
  }

  private static final String USAGE = String.join("\n",
      "gateway related command",
      "",
      "Usage:",
      "  etcd gateway [command]",
      "",
      "Available Commands:",
      "  start       start the gateway",
      "",
      "Flags:",
      "  -h, --help   help for gateway",
      "",
      "Use \"etcd gateway [command] --help\" for more information about a command.");

  private static final String START_USAGE = String.join("\n",
      "start the gateway",
      "",
      "Usage:",
      "  etcd gateway start [flags]",
      "",
      "Flags:",
      "      --discovery-srv string        DNS domain used to bootstrap initial cluster",
      "      --discovery-srv-name string   service name to query when using DNS discovery",
      "      --discovery-srv-nameserver string   DNS server (host:port) for --discovery-srv (Cairn; default: the system's)",
      "      --endpoints strings           comma separated etcd cluster endpoints (default [127.0.0.1:2379])",
      "  -h, --help                        help for start",
      "      --insecure-discovery          accept insecure SRV records",
      "      --listen-addr string          listen address (default \"127.0.0.1:23790\")",
      "      --retry-delay duration        duration of delay before retrying failed endpoints (default 1m0s)",
      "      --trusted-ca-file string      path to the client server TLS CA file for verifying the discovered endpoints "
          + "when discovery-srv is provided.");
}
