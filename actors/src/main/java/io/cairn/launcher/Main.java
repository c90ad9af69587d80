package io.cairn.launcher;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.ServerBinding;
import io.cairn.grpc.GrpcServer;
import io.cairn.grpc.MetricsListeners;
import io.cairn.grpc.lease.PeerLeaseRequests;
import io.cairn.launcher.config.ConfigException;
import io.cairn.launcher.config.ConfigLoader;
import io.cairn.launcher.config.CapnslogMarkers;
import io.cairn.member.JoinedCluster;
import io.cairn.member.MemberNode;
import io.cairn.member.MemberRemovedException;
import io.cairn.member.RemoteMembership;
import io.cairn.member.cluster.ClusterPlan;
import io.cairn.member.cluster.ClusterPlanException;
import io.cairn.member.cluster.ClusterSystemConfig;
import io.cairn.member.cluster.PeerAddress;
import io.cairn.member.cluster.BootstrapRecord;
import io.cairn.member.cluster.SrvDiscovery;
import io.cairn.launcher.snapshot.SnapshotCommand;
import io.cairn.tls.PeerSslEngineProvider;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import io.cairn.raft.log.RaftLogSettings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The `cairn` command: etcd 3.4's flags, its startup milestones in its order, and its shutdown on
 * SIGTERM/SIGINT. Exit codes: 2 for a bad flag (before the data dir is touched), 1 when the member cannot
 * start (data dir, bind), 0 after a clean shutdown.
 */
public final class Main {
  public static final String VERSION = "0.1.0";

  private static final Logger ETCDMAIN = LoggerFactory.getLogger("etcdmain");
  private static final Logger EMBED = LoggerFactory.getLogger("embed");
  private static final Logger SERVER = LoggerFactory.getLogger("etcdserver");
  private static final Logger OSUTIL = LoggerFactory.getLogger("osutil");
  /** cairn-cluster.conf's maximum-large-frame-size. */
  private static final long DEFAULT_FRAME_BYTES = 4L << 20;

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("snapshot")) {
      System.exit(SnapshotCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("gateway")) {
      System.exit(io.cairn.launcher.gateway.GatewayCommand.run(
          Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("grpc-proxy")) {
      System.exit(io.cairn.launcher.grpcproxy.GrpcProxyCommand.run(
          Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("bench")) {
      System.out.println("cairn bench: run it as bin/cairn bench (the bench module's client)");
      System.exit(2);
      return;
    }
    CairnConfig config;
    try {
      config = ConfigLoader.load(args, System.getenv());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    LoggingHook.configure(config);
    System.exit(run(config));
  }

  /** Runs the member until a signal; returns the exit code. */
  static int run(CairnConfig config) {
    // etcd decides once, before anything is written, whether this is a restart: the member dir exists.
    boolean restart = hasMemberDir(config);
    try {
      config = TlsSetup.resolve(config);
    } catch (TlsSetup.Failure e) {
      ETCDMAIN.error(CapnslogMarkers.CRITICAL, "{}", e.getMessage());
      return 1;
    }
    logStartup(config, restart);
    Bootstrap bootstrap;
    try {
      bootstrap = bootstrap(config, restart);
    } catch (ClusterPlanException e) {
      ETCDMAIN.error(CapnslogMarkers.CRITICAL, "{}", e.getMessage());
      return 1;
    } catch (IOException e) {
      ETCDMAIN.error(CapnslogMarkers.CRITICAL, "cannot read {}: {}", config.dataDir(), e.getMessage());
      return 1;
    } catch (DiscoveryBootstrap.Failed e) {
      return 1;
    }
    ClusterPlan plan = bootstrap.plan();
    ActorSystem<Void> system;
    try {
      system = ActorSystem.create(Behaviors.empty(), PeerAddress.SYSTEM_NAME,
          SrvDiscovery.resolverConfig(bootstrap.nameserver()).withFallback(akkaConfig(config, plan, restart)));
    } catch (RuntimeException e) {
      ETCDMAIN.error(CapnslogMarkers.CRITICAL, "listen tcp {}:{}: {}", plan.bind().host(), plan.bind().port(),
          e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
      return 1;
    }
    JoinedCluster joined = null;
    if (!restart && !plan.newCluster()) {
      // etcd's GetClusterFromRemotePeers: a new member of an existing cluster takes the cluster from its peers.
      try {
        joined = RemoteMembership.fetch(system, plan);
      } catch (ClusterPlanException e) {
        ETCDMAIN.error(CapnslogMarkers.CRITICAL, "{}", e.getMessage());
        terminate(system);
        return 1;
      }
    }
    MemberNode member;
    try {
      if (bootstrap.discovered() != null) {
        // Written only now, when the member dir becomes this member's: a start that failed before (DNS, the
        // join) leaves no member dir, so the next one is a first start again.
        bootstrap.discovered().write(config.dataDir().resolve("member"));
      }
      member = MemberNode.start(config, plan, joined, system);
    } catch (MemberRemovedException e) {
      logRemoved();
      terminate(system);
      return 0;
    } catch (Exception e) {
      System.err.println("cairn: cannot start member in " + config.dataDir() + ": " + e.getMessage());
      terminate(system);
      return 1;
    }
    RemoteMembership.serve(system, member::membershipReply);
    PeerLeaseRequests.serve(system, member);
    Shutdown shutdown = new Shutdown(new AtomicReference<>(List.of()), member, system);
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown::run, "cairn-shutdown"));
    CompletableFuture<Void> removed = member.removed().toCompletableFuture();
    try {
      // A member of a new cluster is ready once a quorum applied its published attributes: no bound (etcd
      // waits as long), a signal ends the wait.
      CompletableFuture.anyOf(member.ready().toCompletableFuture(), system.getWhenTerminated().toCompletableFuture(),
          removed).join();
      if (removed.isDone()) {
        logRemoved();
        System.exit(0); // the shutdown hook stops the member
      }
      if (!member.ready().toCompletableFuture().isDone()) {
        return 0; // stopped by a signal before it was ready
      }
      member.ready().toCompletableFuture().join(); // throws if it failed after the system stopped
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("cairn: cannot publish member attributes: " + cause.getMessage());
      member.close();
      terminate(system);
      return 1;
    }
    List<ServerBinding> bindings;
    List<ServerBinding> metricsBindings;
    try {
      Duration bindTimeout = Duration.ofMillis(5000 + 2 * config.electionTimeoutMs());
      bindings =
          GrpcServer.bind(config, member, system).toCompletableFuture().get(bindTimeout.toMillis(), TimeUnit.MILLISECONDS);
      metricsBindings =
          MetricsListeners.bind(config, member, system).toCompletableFuture().get(bindTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("cairn: cannot serve client requests on " + config.listenClientUrls() + ": " + cause.getMessage());
      member.close();
      terminate(system);
      return 1;
    }
    shutdown.bindings().set(java.util.stream.Stream.concat(bindings.stream(), metricsBindings.stream()).toList());
    EMBED.info("ready to serve client requests");
    logServing(config, bindings);
    // etcd's serveMetrics line, one per --listen-metrics-urls URL
    config.listenMetricsUrls().forEach(url -> EMBED.info("listening for metrics on {}", url));

    // Main's thread waits for the system; the shutdown hook terminates it after a signal.
    CompletableFuture.anyOf(system.getWhenTerminated().toCompletableFuture(), removed).join();
    if (removed.isDone()) {
      // etcd: the removed member stops and etcd exits 0; the shutdown hook unbinds and stops the member.
      logRemoved();
      System.exit(0);
    }
    return 0;
  }

  /** etcd's lines when this member was removed from the cluster (etcdserver, error then info). */
  private static void logRemoved() {
    SERVER.error(MemberRemovedException.MESSAGE);
    SERVER.info("the data-dir used by this member must be removed.");
  }

  /**
   * The cluster this start uses and the DNS server its peers' host names resolve on.
   *
   * @param discovered the bootstrap record to write once the member starts (a first start with --discovery-srv),
   *     else null
   */
  private record Bootstrap(ClusterPlan plan, String nameserver, BootstrapRecord discovered) {}

  /**
   * Where the cluster comes from, first match wins: the data dir's bootstrap record (made by {@code cairn snapshot
   * restore} or a first start with --discovery-srv or --discovery; BootstrapRecord says why the store alone cannot
   * tell it), the SRV records (--discovery-srv), the discovery service (--discovery), else the flags. etcd makes
   * its bootstrap checks only when it has no data yet; a restart needs just its own entry.
   */
  private static Bootstrap bootstrap(CairnConfig config, boolean restart)
      throws IOException, DiscoveryBootstrap.Failed {
    Optional<BootstrapRecord> recorded = BootstrapRecord.read(config.dataDir());
    if (recorded.isPresent()) {
      String nameserver = config.discoverySrvNameserver().isEmpty()
          ? recorded.get().nameserver() : config.discoverySrvNameserver();
      return new Bootstrap(recorded.get().plan(config.listenPeerUrls()), nameserver, null);
    }
    if (!config.discoverySrv().isEmpty()) {
      return discover(config);
    }
    if (!config.discoveryUrl().isEmpty() && !restart) {
      BootstrapRecord discovered = DiscoveryBootstrap.join(config);
      return new Bootstrap(discovered.verifiedPlan(config.listenPeerUrls()), "", discovered);
    }
    return new Bootstrap(restart ? ClusterPlan.of(config) : ClusterPlan.verified(config), "", null);
  }

  /**
   * etcd's --discovery-srv bootstrap: the initial cluster from the SRV records, with the record that lets
   * restarts need neither DNS nor the flags (BootstrapRecord).
   */
  private static Bootstrap discover(CairnConfig config) {
    List<String> advertised = config.initialAdvertisePeerUrls().stream().map(URI::toString).toList();
    ClusterPlan plan;
    try (SrvDiscovery srv = SrvDiscovery.open(config.discoverySrvNameserver())) {
      plan = srv.plan(config.name(), config.discoverySrv(), config.discoverySrvName(), advertised,
          config.listenPeerUrls().stream().map(URI::toString).toList(), config.initialClusterToken(),
          config.initialClusterState());
    }
    String initialCluster = plan.members().stream()
        .flatMap(m -> m.peerUrls().stream().map(u -> m.name() + "=" + u))
        .collect(java.util.stream.Collectors.joining(","));
    BootstrapRecord record = new BootstrapRecord(BootstrapRecord.DISCOVERY_SRV, config.name(), initialCluster,
        config.initialClusterToken(), advertised, config.discoverySrvNameserver());
    return new Bootstrap(plan, config.discoverySrvNameserver(), record);
  }

  private static boolean hasMemberDir(CairnConfig config) {
    return java.nio.file.Files.isDirectory(config.dataDir().resolve("member"));
  }

  /**
   * The member's Akka config: its Artery addresses and the cluster settings (ClusterSystemConfig), the Raft log's
   * journal under the data dir, over application.conf. The Artery frame grows with --max-request-bytes so an
   * AppendEntries with one maximal entry always fits.
   */
  static Config akkaConfig(CairnConfig config, ClusterPlan plan, boolean restart) {
    long frameBytes = Math.max(DEFAULT_FRAME_BYTES, MemberNode.maxRaftMessageBytes(config.maxRequestBytes()));
    Config frame = frameBytes > DEFAULT_FRAME_BYTES
        ? ConfigFactory.parseMap(Map.of("akka.remote.artery.advanced.maximum-large-frame-size", frameBytes))
        : ConfigFactory.empty();
    Config peerTls = TlsSetup.peerTlsOn(config)
        ? PeerSslEngineProvider.akkaConfig(config.peerTls().certFile(), config.peerTls().keyFile(),
            config.peerTls().trustedCaFile(), config.peerTls().clientCertAuth(), config.peerTls().autoTls())
        : ConfigFactory.empty();
    return frame
        .withFallback(peerTls)
        .withFallback(ClusterSystemConfig.overlay(plan, config.forceNewCluster() && restart))
        .withFallback(RaftLogSettings.forDataDir(config.dataDir()))
        .withFallback(ConfigFactory.load());
  }

  /** etcd 3.4's startup lines, in its order (etcdmain, then embed's configuration summary). */
  private static void logStartup(CairnConfig config, boolean restart) {
    ETCDMAIN.info("etcd Version: 3.4.23");
    ETCDMAIN.info("cairn Version: {}", VERSION);
    ETCDMAIN.info("Java Version: {}", System.getProperty("java.version"));
    ETCDMAIN.info("OS/Arch: {}/{}", System.getProperty("os.name").toLowerCase(), System.getProperty("os.arch"));
    if (config.peerTls().hasKeyPair()) {
      EMBED.info("peerTLS: {}", config.peerTls().describe());
    }
    EMBED.info("name = {}", config.name());
    EMBED.info("data dir = {}", config.dataDir());
    EMBED.info("member dir = {}", config.dataDir().resolve("member"));
    EMBED.info("heartbeat = {}ms", config.heartbeatIntervalMs());
    EMBED.info("election = {}ms", config.electionTimeoutMs());
    EMBED.info("snapshot count = {}", config.snapshotCount());
    if (!config.discoveryUrl().isEmpty()) {
      EMBED.info("discovery URL= {}", config.discoveryUrl());
    }
    EMBED.info("advertise client URLs = {}", join(config.advertiseClientUrls()));
    if (restart) {
      // etcd prints these only when restarting from an existing member dir, with the flags it ignores.
      EMBED.info("initial advertise peer URLs = {}", join(config.initialAdvertisePeerUrls()));
      EMBED.info("initial cluster = ");
    }
    if (config.clientTls().hasKeyPair()) {
      EMBED.info("ClientTLS: {}", config.clientTls().describe());
    }
  }

  /** etcd serve.go: insecure listeners get a warning, TLS ones a plain line; both name the bound address. */
  private static void logServing(CairnConfig config, List<ServerBinding> bindings) {
    List<URI> urls = config.listenClientUrls();
    for (int i = 0; i < bindings.size(); i++) {
      InetSocketAddress addr = bindings.get(i).localAddress();
      String hostPort = addr.getAddress().getHostAddress() + ":" + addr.getPort();
      boolean secure = i < urls.size() && "https".equalsIgnoreCase(urls.get(i).getScheme());
      if (secure) {
        EMBED.info("serving client requests on {}", hostPort);
      } else {
        EMBED.info("serving insecure client requests on {}, this is strongly discouraged!", hostPort);
      }
    }
  }

  private static String join(List<URI> urls) {
    return String.join(",", urls.stream().map(URI::toString).toList());
  }

  private static void terminate(ActorSystem<?> system) {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
  }

  /** SIGTERM/SIGINT: unbind, stop the member (drain, close the store), stop the actor system. */
  private record Shutdown(AtomicReference<List<ServerBinding>> bindings, MemberNode member, ActorSystem<?> system) {
    void run() {
      OSUTIL.info("received terminated signal, shutting down...");
      for (ServerBinding b : bindings.get()) {
        try {
          b.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          SERVER.warn("unbinding {} failed: {}", b.localAddress(), e.toString());
        }
      }
      member.close();
      terminate(system);
      // A JVM ended by a signal exits 128+signal; etcd exits 0 after a clean shutdown, so halt with 0 once
      // everything is closed (the store is closed, nothing is left to flush).
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(0);
    }
  }
}
