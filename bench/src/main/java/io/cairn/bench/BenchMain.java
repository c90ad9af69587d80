package io.cairn.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code cairn bench}: a load client for any etcd v3 endpoint list, modelled on etcd's tools/benchmark
 * (same subcommands, flags and report layout), so Cairn and etcd are measured by the same client.
 */
@Command(name = "cairn bench", mixinStandardHelpOptions = true, version = "cairn bench 0.1.0",
    description = "Benchmark an etcd v3 cluster (Cairn or etcd) with the etcd benchmark's workloads.",
    subcommands = {PutCommand.class, RangeCommand.class, TxnPutCommand.class, WatchLatencyCommand.class,
        LeaseKeepaliveCommand.class, CommandLine.HelpCommand.class})
public final class BenchMain implements Runnable {

  @Option(names = "--endpoints", split = ",", scope = ScopeType.INHERIT, defaultValue = "127.0.0.1:2379",
      description = "gRPC endpoints, comma separated (host:port or http://host:port). Default: ${DEFAULT-VALUE}")
  List<String> endpoints;

  @Option(names = "--conns", scope = ScopeType.INHERIT, defaultValue = "1",
      description = "Total number of gRPC connections. Default: ${DEFAULT-VALUE}")
  int conns;

  @Option(names = "--clients", scope = ScopeType.INHERIT, defaultValue = "1",
      description = "Total number of concurrent clients (each with one request outstanding), sharing the"
          + " connections round-robin. Default: ${DEFAULT-VALUE}")
  int clients;

  @Option(names = "--target-leader", scope = ScopeType.INHERIT,
      description = "Send every request to the leader (found with Maintenance.Status on each endpoint).")
  boolean targetLeader;

  @Option(names = "--dial-timeout", scope = ScopeType.INHERIT, defaultValue = "5000",
      description = "Milliseconds to wait for an endpoint's status when looking for the leader. Default: ${DEFAULT-VALUE}")
  long dialTimeoutMs;

  @Option(names = "--progress", scope = ScopeType.INHERIT, negatable = true, defaultValue = "true",
      fallbackValue = "true", description = "Show a progress bar on stderr when it is a terminal. Default: on")
  boolean progress;

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  void validate() {
    if (conns < 1) throw new IllegalArgumentException("--conns must be at least 1");
    if (clients < 1) throw new IllegalArgumentException("--clients must be at least 1");
    if (endpoints == null || endpoints.isEmpty()) throw new IllegalArgumentException("--endpoints is empty");
    for (String e : endpoints) Connections.HostPort.parse(e);
  }

  Connections connect() {
    return Connections.open(endpoints, conns, targetLeader, dialTimeoutMs);
  }

  Progress progress(long total) {
    return new Progress(total, progress && Progress.terminal());
  }

  /** The settings every summary line starts with. */
  Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("endpoints", Integer.toString(endpoints.size()));
    s.put("target_leader", Boolean.toString(targetLeader));
    s.put("conns", Integer.toString(conns));
    s.put("clients", Integer.toString(clients));
    return s;
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new BenchMain());
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      commandLine.getErr().println("cairn bench: " + (ex.getMessage() == null ? ex : ex.getMessage()));
      return 1;
    });
    return cl;
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }
}
