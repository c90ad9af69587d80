package io.cairn.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs the real {@code /usr/bin/etcdctl} (v3 API) against one endpoint, always bounded in time. */
public final class Etcdctl {

    public static final String BIN = System.getProperty("etcdctl.bin", "/usr/bin/etcdctl");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final String endpoint;
    private final Path workDir;
    /** Flags every command gets after --endpoints (TLS files, --insecure-skip-tls-verify, ...). */
    private final List<String> globalFlags;

    public Etcdctl(String endpoint, Path workDir) {
        this(endpoint, workDir, List.of());
    }

    private Etcdctl(String endpoint, Path workDir, List<String> globalFlags) {
        this.endpoint = endpoint;
        this.workDir = workDir;
        this.globalFlags = List.copyOf(globalFlags);
    }

    /** This etcdctl with {@code flags} added to every command, e.g. {@code --cacert=ca.pem --cert=... --key=...}. */
    public Etcdctl withGlobalFlags(String... flags) {
        List<String> all = new ArrayList<>(globalFlags);
        all.addAll(List.of(flags));
        return new Etcdctl(endpoint, workDir, all);
    }

    public String endpoint() { return endpoint; }

    /** Result of one etcdctl invocation. {@code args} excludes the binary and --endpoints. */
    public record Result(List<String> args, int exitCode, String stdout, String stderr) {
        public Result expectExit(int code) {
            if (exitCode != code) {
                throw new AssertionError("etcdctl " + String.join(" ", args) + ": expected exit " + code
                        + " but was " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
            }
            return this;
        }

        public Result ok() { return expectExit(0); }

        public List<String> lines() {
            return stdout.lines().toList();
        }
    }

    private List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(BIN);
        cmd.add("--endpoints=" + endpoint);
        cmd.addAll(globalFlags);
        cmd.addAll(args);
        return cmd;
    }

    private static final Map<String, String> ENV = Map.of("ETCDCTL_API", "3");

    private ProcessBuilder builder(List<String> args) {
        ProcessBuilder pb = new ProcessBuilder(command(args)).directory(workDir.toFile());
        pb.environment().putAll(ENV);
        return pb;
    }

    public Result run(String... args) {
        return run(DEFAULT_TIMEOUT, null, args);
    }

    public Result runWithStdin(String stdin, String... args) {
        return run(DEFAULT_TIMEOUT, stdin, args);
    }

    public Result run(Duration timeout, String stdin, String... args) {
        List<String> argList = List.of(args);
        Commands.Result r = Commands.run(workDir, timeout, ENV, stdin, command(argList));
        return new Result(argList, r.exitCode(), r.stdout(), r.stderr());
    }

    /** Starts a long-running etcdctl (watch, lock, elect, ...) whose output is collected in files. */
    public Background start(String label, String... args) {
        try {
            Files.createDirectories(workDir);
            Path out = workDir.resolve(label + ".out");
            Path err = workDir.resolve(label + ".err");
            Process p = builder(List.of(args)).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            return new Background(List.of(args), p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A background etcdctl. Always {@link #close()} it (kills it). */
    public static final class Background implements AutoCloseable {
        private final List<String> args;
        private final Process process;
        private final Path out;
        private final Path err;

        Background(List<String> args, Process process, Path out, Path err) {
            this.args = args;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        public List<String> args() { return args; }
        public Process process() { return process; }

        public String stdout() {
            try {
                return Files.readString(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String stderr() {
            try {
                return Files.readString(err);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Polls stdout until the predicate holds; false on timeout. */
        public boolean awaitStdout(Predicate<String> condition, Duration timeout) {
            return Await.until(timeout, Duration.ofMillis(25), () -> condition.test(stdout()) ? null : "no") == null;
        }

        /** SIGINT (what Ctrl-C does: lock/elect release their session), then wait bounded. */
        public int interrupt(Duration timeout) {
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("etcdctl " + String.join(" ", args) + " ignored SIGINT for " + timeout);
                }
                return process.exitValue();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** Waits (bounded) for the process to exit on its own; returns its exit code. */
        public int awaitExit(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("etcdctl " + String.join(" ", args) + " still running after " + timeout
                            + "; stdout:\n" + stdout() + "\nstderr:\n" + stderr());
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
