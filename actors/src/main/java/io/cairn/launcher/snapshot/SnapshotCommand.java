package io.cairn.launcher.snapshot;

import io.cairn.launcher.config.ZapLines;
import io.cairn.member.MemberIds;
import io.cairn.member.cluster.ClusterPlan;
import io.cairn.member.cluster.ClusterPlanException;
import io.cairn.member.cluster.BootstrapRecord;
import io.cairn.persistence.mvcc.MvccStore;
import io.cairn.persistence.mvcc.SnapshotInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn snapshot restore|status}: etcdctl 3.4's (etcdutl's) offline snapshot commands, with their flags,
 * output, errors and exit codes (1 for a failure, 128 for a wrong argument count, 4 for an output format it
 * refuses). A snapshot is what {@code etcdctl snapshot save} fetched from a Cairn member.
 *
 * <p>Unlike etcd 3.4, {@code status} verifies the whole file (etcd describes a damaged file without a word), and a
 * failed {@code restore} leaves no data dir behind (etcd leaves a half-written one that the next try refuses).
 */
public final class SnapshotCommand {
  static final int EXIT_ERROR = 1;
  static final int EXIT_BAD_FEATURE = 4;
  static final int EXIT_BAD_ARGS = 128;
  /** The caller field of the command's log lines (no Go file here). */
  private static final String CALLER = "cairn/snapshot";

  private final PrintStream out;
  private final PrintStream err;

  private SnapshotCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs {@code cairn snapshot ARGS...} ({@code args} without "snapshot"); returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return new SnapshotCommand(out, err).dispatch(args);
  }

  /** What both subcommands take: one file, an output format, help. */
  abstract static class FileArgs {
    @Parameters List<String> files = new ArrayList<>();
    @Option(names = {"-w", "--write-out"}) String writeOut = "simple";
    @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
  }

  @Command(name = "restore")
  static final class RestoreArgs extends FileArgs {
    @Option(names = "--data-dir") String dataDir = "";
    @Option(names = "--wal-dir") String walDir = "";
    @Option(names = "--name") String name = "default";
    @Option(names = "--initial-cluster") String initialCluster = "default=http://localhost:2380";
    @Option(names = "--initial-cluster-token") String token = "etcd-cluster";
    @Option(names = "--initial-advertise-peer-urls") String advertisePeerUrls = "http://localhost:2380";
    @Option(names = "--skip-hash-check", arity = "0..1") boolean skipHashCheck;
  }

  @Command(name = "status")
  static final class StatusArgs extends FileArgs {}

  /** A failure with its exit code and etcdctl's message (printed after "Error: "). */
  private static final class Failure extends Exception {
    final int code;

    Failure(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private int dispatch(String[] args) {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
      out.println(USAGE);
      return 0;
    }
    String sub = args[0];
    String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
    try {
      return switch (sub) {
        case "restore" -> {
          RestoreArgs a = parse(new RestoreArgs(), rest, sub);
          yield a == null ? 0 : restore(a);
        }
        case "status" -> {
          StatusArgs a = parse(new StatusArgs(), rest, sub);
          yield a == null ? 0 : status(a);
        }
        case "save" -> fail(EXIT_ERROR, "'cairn snapshot save' is etcdctl's: run 'etcdctl --endpoints=HOST:PORT"
            + " snapshot save FILE' against a running member");
        default -> fail(EXIT_ERROR, "unknown command \"" + sub + "\" for \"cairn snapshot\"");
      };
    } catch (Failure f) {
      return fail(f.code, f.getMessage());
    }
  }

  /**
   * The command line as pflag reads it, with etcdctl's argument count check; null when help was asked for (the
   * usage is printed).
   */
  private <T extends FileArgs> T parse(T target, String[] args, String sub) throws Failure {
    CommandLine cl = new CommandLine(target);
    cl.setOverwrittenOptionsAllowed(true); // pflag: a later occurrence wins
    try {
      cl.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new Failure(EXIT_ERROR, flagError(e));
    }
    if (cl.isUsageHelpRequested()) {
      out.println(USAGE);
      return null;
    }
    if (target.files.size() != 1) {
      throw new Failure(EXIT_BAD_ARGS, "snapshot " + sub + " requires exactly one argument");
    }
    return target;
  }

  private int status(StatusArgs a) {
    Path file = Path.of(a.files.get(0));
    try {
      SnapshotStatusFormat.format(new SnapshotInfo(0, 0, 0, 0), a.writeOut); // refuse a bad format before reading
    } catch (IllegalArgumentException e) {
      return fail(EXIT_BAD_FEATURE, e.getMessage());
    }
    if (!Files.exists(file)) {
      return fail(EXIT_ERROR, "stat " + file + ": no such file or directory");
    }
    try {
      out.print(SnapshotStatusFormat.format(MvccStore.snapshotStatus(file), a.writeOut));
      return 0;
    } catch (IOException e) {
      return fail(EXIT_ERROR, file + ": " + e.getMessage());
    }
  }

  private int restore(RestoreArgs a) {
    if (!a.walDir.isEmpty()) {
      // Cairn keeps its Raft log under the data dir; a separate log dir is not supported (as --wal-dir for the server).
      return fail(EXIT_ERROR, "--wal-dir is not supported: Cairn keeps the Raft log in <data-dir>/member/raft");
    }
    Path snapshot = Path.of(a.files.get(0));
    Path dataDir = Path.of(a.dataDir.isEmpty() ? a.name + ".cairn" : a.dataDir);
    BootstrapRecord identity = new BootstrapRecord(BootstrapRecord.RESTORE, a.name, a.initialCluster, a.token,
        Stream.of(a.advertisePeerUrls.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(), "");
    ClusterPlan plan;
    try {
      plan = identity.verifiedPlan();
    } catch (ClusterPlanException e) {
      return fail(EXIT_ERROR, e.getMessage());
    }
    if (Files.exists(dataDir)) {
      return fail(EXIT_ERROR, "data-dir \"" + dataDir + "\" exists");
    }
    Path member = dataDir.resolve("member");
    ZapLines log = new ZapLines(err);
    log.info(CALLER, "restoring snapshot",
        "path", snapshot.toString(), "wal-dir", member.resolve("raft").toString(), "data-dir", dataDir.toString(),
        "snap-dir", member.resolve("snap").toString());
    Path staging = staging(dataDir);
    try (InputStream in = Files.newInputStream(snapshot)) {
      Path stagedMember = staging.resolve("member");
      Files.createDirectories(stagedMember);
      MvccStore.restoreForNewCluster(in, stagedMember.resolve("mvcc"), !a.skipHashCheck);
      identity.write(stagedMember);
      Files.createDirectories(stagedMember.resolve("snap"));
      for (ClusterPlan.Member m : plan.members()) {
        log.info(CALLER, "added member",
            "cluster-id", MemberIds.hex(plan.clusterId()), "local-member-id", "0",
            "added-peer-id", MemberIds.hex(m.id()), "added-peer-peer-urls", m.peerUrls());
      }
      Path parent = dataDir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.move(staging, dataDir); // one rename: the data dir appears whole or not at all
    } catch (NoSuchFileException e) {
      deleteQuietly(staging);
      return fail(EXIT_ERROR, "open " + snapshot + ": no such file or directory");
    } catch (IOException | RuntimeException e) {
      deleteQuietly(staging);
      return fail(EXIT_ERROR, snapshot + ": " + e.getMessage());
    }
    log.info(CALLER, "restored snapshot",
        "path", snapshot.toString(), "wal-dir", member.resolve("raft").toString(), "data-dir", dataDir.toString(),
        "snap-dir", member.resolve("snap").toString());
    return 0;
  }

  /** A sibling of the data dir, so the final move is a rename on one file system. */
  private static Path staging(Path dataDir) {
    Path abs = dataDir.toAbsolutePath().normalize();
    return abs.resolveSibling("." + abs.getFileName() + ".restoring-" + ProcessHandle.current().pid());
  }

  private static void deleteQuietly(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException ignored) {
      // best effort: a leftover staging dir never becomes a data dir
    }
  }

  /** pflag's wording for a command line it rejects. */
  private static String flagError(CommandLine.ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String arg = u.getUnmatched().get(0);
      int eq = arg.indexOf('=');
      return "unknown flag: " + (eq > 0 ? arg.substring(0, eq) : arg);
    }
    return e.getMessage();
  }

  private int fail(int code, String message) {
    err.println("Error: " + message);
    return code;
  }

  private static final String USAGE = String.join(System.lineSeparator(),
      "NAME:",
      "\tsnapshot - Manages Cairn (etcd-compatible) member snapshots",
      "",
      "USAGE:",
      "\tcairn snapshot <subcommand> [flags]",
      "",
      "COMMANDS:",
      "\trestore\tRestores a snapshot (from 'etcdctl snapshot save') into a new data directory",
      "\tstatus\tGets snapshot status of a given file",
      "",
      "RESTORE OPTIONS (as etcdctl 3.4's):",
      "      --data-dir=\"\"\t\t\t\tPath to the data directory (default: <name>.cairn)",
      "      --initial-advertise-peer-urls=\"http://localhost:2380\"",
      "      --initial-cluster=\"default=http://localhost:2380\"",
      "      --initial-cluster-token=\"etcd-cluster\"",
      "      --name=\"default\"",
      "      --skip-hash-check[=false]\tIgnore snapshot integrity hash value",
      "",
      "STATUS OPTIONS:",
      "  -w, --write-out=\"simple\"\tset the output format (fields, json, simple, table)");
}
