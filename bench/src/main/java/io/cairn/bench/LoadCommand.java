package io.cairn.bench;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * A closed-loop request workload: connect, prepare, drive {@code --total} requests from {@code --clients}
 * clients (at most {@code --rate}/s), print etcd's report and the summary line.
 */
abstract class LoadCommand implements Callable<Integer> {
  @ParentCommand BenchMain root;

  @Option(names = "--total", defaultValue = "10000", description = "Total number of requests. Default: ${DEFAULT-VALUE}")
  long total;

  @Option(names = "--rate", defaultValue = "0",
      description = "Maximum requests per second over all clients (0 is no limit). Default: ${DEFAULT-VALUE}")
  double rate;

  abstract String op();

  /** Subcommand settings for the summary line. */
  abstract void settings(Map<String, String> settings);

  /** Called once the connections are open; returns the request of client {@code i}. */
  abstract LoadDriver.Op prepare(Connections conns) throws Exception;

  void validate() {
    root.validate();
    if (total < 1) throw new IllegalArgumentException("--total must be at least 1");
    if (rate < 0) throw new IllegalArgumentException("--rate must not be negative");
  }

  void finish(Connections conns) {}

  @Override
  public Integer call() throws Exception {
    validate();
    Map<String, String> settings = root.settings();
    settings.put("total", Long.toString(total));
    settings(settings);
    Report report = new Report();
    double elapsed;
    try (Connections conns = root.connect()) {
      LoadDriver.Op op = prepare(conns);
      try (Progress progress = root.progress(total)) {
        elapsed = new LoadDriver(root.clients, total, rate, report, progress).run(op);
      }
      finish(conns);
    }
    System.out.print(report.format(op(), settings, elapsed));
    System.out.flush();
    return report.successes() > 0 ? 0 : 1;
  }
}
