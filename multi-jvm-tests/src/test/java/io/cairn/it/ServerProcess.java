package io.cairn.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One etcd-compatible member running as a separate OS process: either the real etcd
 * ({@code /usr/bin/etcd}, override with {@code -Detcd.bin=}) or Cairn ({@code <cairn.home>/bin/cairn};
 * {@code cairn.home} is set by the module pom, falling back to {@code ..} relative to the module dir).
 *
 * <p>Both are started with exactly the same etcd flags ({@code --name --data-dir --listen-client-urls
 * --advertise-client-urls --listen-peer-urls --initial-advertise-peer-urls --initial-cluster} plus
 * extras). stdout+stderr go (appended, across restarts) to a log file under {@code target/}.
 * {@link #start()} waits, bounded ({@code -Dcairn.it.startTimeoutSec}, default 60), until the log
 * written by this incarnation contains {@code "ready to serve client requests"} AND the client port
 * accepts TCP connections; it fails fast (with the log tail) if the process exits first.
 *
 * <p>{@link #kill9()} SIGKILLs the whole process tree (bin/cairn may be a shell wrapper around java),
 * {@link #terminate()} SIGTERMs it and waits bounded (then SIGKILLs), {@link #restart()} starts a new
 * incarnation with the same flags and data dir. {@link #close()} always leaves nothing running.
 */
public final class ServerProcess implements AutoCloseable {

    public enum Kind {
        ETCD, CAIRN;

        public String label() {
            return name().toLowerCase();
        }
    }

    public static final String READY_LINE = "ready to serve client requests";

    private final Kind kind;
    private final String name;
    private final Path dataDir;
    private final Path logFile;
    private final int clientPort;
    private final int peerPort;
    private final List<String> extraArgs;
    /** When non-null: the complete flag list (replaces the single-member defaults built in {@link #command()}). */
    private final List<String> explicitFlags;
    /** Address the member's client and peer URLs use (127.0.0.1 unless it runs in a network namespace). */
    private final String host;
    /** Prepended to the command, e.g. {@code ip netns exec NS} (which execs, so the pid stays the member's). */
    private final List<String> commandPrefix;
    private Process process;
    private long readyOffset;

    public ServerProcess(Kind kind, String name, Path dataDir, Path logFile, int clientPort, int peerPort,
                         List<String> extraArgs) {
        this.kind = kind;
        this.name = name;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.extraArgs = List.copyOf(extraArgs);
        this.explicitFlags = null;
        this.host = "127.0.0.1";
        this.commandPrefix = List.of();
    }

    private ServerProcess(Kind kind, String name, Path dataDir, Path logFile, String host, int clientPort,
                          int peerPort, List<String> explicitFlags, List<String> commandPrefix) {
        this.kind = kind;
        this.host = host;
        this.commandPrefix = List.copyOf(commandPrefix);
        this.name = name;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.extraArgs = List.of();
        this.explicitFlags = List.copyOf(explicitFlags);
    }

    /**
     * A member started with exactly {@code flags} (everything after the binary; nothing is added),
     * e.g. one member of a multi-member static-bootstrap cluster. {@code dataDir} must match the
     * {@code --data-dir} in {@code flags}; the data dir is NOT wiped.
     */
    public static ServerProcess withFlags(Kind kind, String name, Path dataDir, Path logFile, int clientPort,
                                          int peerPort, List<String> flags) {
        return new ServerProcess(kind, name, dataDir, logFile, "127.0.0.1", clientPort, peerPort, flags, List.of());
    }

    /**
     * Like {@link #withFlags} for a member whose URLs use {@code host}, started through {@code commandPrefix}
     * (e.g. {@code ip netns exec NS}, which execs the member so signals reach it directly).
     */
    public static ServerProcess withFlags(Kind kind, String name, Path dataDir, Path logFile, String host,
                                          int clientPort, int peerPort, List<String> flags,
                                          List<String> commandPrefix) {
        return new ServerProcess(kind, name, dataDir, logFile, host, clientPort, peerPort, flags, commandPrefix);
    }

    /** The same member (name, data dir, log, ports, flags) with more flags, e.g. {@code --force-new-cluster}. */
    public ServerProcess withMoreFlags(String... more) {
        List<String> flags = new ArrayList<>(explicitFlags != null ? explicitFlags : command().subList(1, command().size()));
        flags.addAll(List.of(more));
        return withFlagsReplaced(flags);
    }

    /**
     * The same place (name, data dir, log, host, ports, command prefix) started with exactly {@code flags}: a member
     * replaced by a new one at the same address (etcd's "replace a failed member").
     */
    public ServerProcess withFlagsReplaced(List<String> flags) {
        return new ServerProcess(kind, name, dataDir, logFile, host, clientPort, peerPort, flags, commandPrefix);
    }

    /** A fresh member (data dir wiped) of the given kind. */
    public static ServerProcess fresh(Kind kind, Path dir, int clientPort, int peerPort, String... extra) {
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ServerProcess(kind, "m1", dir.resolve("data"), dir.resolve(kind.label() + ".log"),
                clientPort, peerPort, List.of(extra));
    }

    public static Path cairnHome() {
        String home = System.getProperty("cairn.home");
        Path p = home != null ? Paths.get(home) : Paths.get("..");
        return p.toAbsolutePath().normalize();
    }

    public static Path moduleTarget() {
        return Paths.get("target").toAbsolutePath();
    }

    public static Duration startTimeout() {
        return Duration.ofSeconds(Long.getLong("cairn.it.startTimeoutSec", 60));
    }

    /** Free loopback ports for a test's processes; see {@link LoopbackPorts} for why not port 0. */
    public static int[] freePorts(int n) {
        return LoopbackPorts.tcp(n);
    }

    public Kind kind() { return kind; }
    public String name() { return name; }
    public int clientPort() { return clientPort; }
    public int peerPort() { return peerPort; }
    public Path dataDir() { return dataDir; }
    public Path logFile() { return logFile; }
    /** Endpoint as etcdctl --endpoints wants it (and as etcdctl prints it back). */
    public String endpoint() { return host + ":" + clientPort; }
    public String clientUrl() { return "http://" + host + ":" + clientPort; }
    /**
     * The peer URL this member advertises: its {@code --initial-advertise-peer-urls} when it was started with explicit
     * flags (a namespaced member's peer address differs from its client host), else its host and peer port.
     */
    public String peerUrl() {
        if (explicitFlags != null) {
            int at = explicitFlags.indexOf("--initial-advertise-peer-urls");
            if (at >= 0 && at + 1 < explicitFlags.size()) return explicitFlags.get(at + 1);
        }
        return "http://" + host + ":" + peerPort;
    }
    public String host() { return host; }

    public long pid() {
        return process.pid();
    }

    /** The exit code of the last incarnation, once it has exited (else -1). */
    public int exitCode() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The server's executable: etcd, or bin/cairn. */
    static String binary(Kind kind) {
        if (kind == Kind.ETCD) {
            return System.getProperty("etcd.bin", "/usr/bin/etcd");
        }
        Path bin = cairnHome().resolve("bin/cairn");
        if (!Files.isRegularFile(bin)) {
            throw new AssertionError("Cairn launcher not found at " + bin
                    + " (build with `mvn -q -DskipTests package` at the repo root)");
        }
        return bin.toString();
    }

    /**
     * A server start expected to fail: the server with these flags, run to its own exit (bounded by
     * {@code timeout}: a hang fails), stdout and stderr together in the result's stdout. It must never get ready.
     */
    public static Commands.Result runToExit(Kind kind, Path workDir, Duration timeout, List<String> flags) {
        return runToExit(kind, workDir, timeout, Map.of(), flags);
    }

    /** {@link #runToExit(Kind, Path, Duration, List)} with extra environment variables (ETCD_*). */
    public static Commands.Result runToExit(Kind kind, Path workDir, Duration timeout, Map<String, String> env,
                                            List<String> flags) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary(kind));
        cmd.addAll(flags);
        Commands.Result r = Commands.run(workDir, timeout, env, null, cmd);
        String all = r.stdout() + r.stderr();
        if (all.contains(READY_LINE)) {
            throw new AssertionError(kind.label() + " got ready though it should have failed:\n" + all);
        }
        return new Commands.Result(r.command(), r.exitCode(), all, r.stderr());
    }

    List<String> command() {
        List<String> cmd = new ArrayList<>(commandPrefix);
        cmd.add(binary(kind));
        if (explicitFlags != null) {
            cmd.addAll(explicitFlags);
            return cmd;
        }
        cmd.addAll(List.of(
                "--name", name,
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUrl(),
                "--advertise-client-urls", clientUrl(),
                "--listen-peer-urls", peerUrl(),
                "--initial-advertise-peer-urls", peerUrl(),
                "--initial-cluster", name + "=" + peerUrl()));
        cmd.addAll(extraArgs);
        return cmd;
    }

    public ServerProcess start() {
        launch();
        return awaitReady();
    }

    /**
     * Starts the process without waiting for readiness (a member of a new multi-member cluster only
     * becomes ready once a quorum is up, so all members must be launched before any is awaited).
     * Follow with {@link #awaitReady()}.
     */
    public ServerProcess launch() {
        if (isAlive()) throw new IllegalStateException("already running");
        try {
            Files.createDirectories(logFile.getParent());
            long offset = Files.exists(logFile) ? Files.size(logFile) : 0;
            List<String> cmd = command();
            Files.writeString(logFile, "\n=== cairn-it starting: " + String.join(" ", cmd) + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(dataDir.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            readyOffset = offset;
            process = pb.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            kill9();
            throw e;
        }
    }

    /** Waits (bounded) until the incarnation started by the last {@link #launch()} is ready; kills it on failure. */
    public ServerProcess awaitReady() {
        try {
            awaitReady(readyOffset);
            return this;
        } catch (RuntimeException | Error e) {
            kill9();
            throw e;
        }
    }

    /** Log written since the last {@link #launch()}. */
    public String logSinceLaunch() {
        try {
            return logSince(readyOffset);
        } catch (IOException e) {
            return "<cannot read log: " + e + ">";
        }
    }

    /** SIGSTOP the process tree (freezes the member: it neither answers nor times anything out). */
    public void sigstop() {
        signalTree("STOP");
    }

    /** SIGCONT the process tree (undo {@link #sigstop()}); harmless on a running process. */
    public void sigcont() {
        signalTree("CONT");
    }

    private void signalTree(String signal) {
        if (process == null || !process.isAlive()) return;
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        tree.addAll(process.descendants().toList());
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
        for (ProcessHandle h : tree) cmd.add(Long.toString(h.pid()));
        try {
            Process k = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!k.waitFor(10, TimeUnit.SECONDS)) {
                k.destroyForcibly();
                throw new AssertionError("kill -" + signal + " did not finish");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private void awaitReady(long offset) {
        boolean[] ready = {false};
        String notReady = Await.until(startTimeout(), () -> {
            if (!process.isAlive()) {
                throw new AssertionError(kind.label() + " exited with code " + process.exitValue()
                        + " before becoming ready; log tail:\n" + logTail(offset));
            }
            if (!ready[0]) ready[0] = logSinceUnchecked(offset).contains(READY_LINE);
            return ready[0] && portOpen() ? null : "ready line seen: " + ready[0];
        });
        if (notReady != null) {
            throw new AssertionError(kind.label() + " not ready within " + startTimeout() + " (" + notReady
                    + "); log tail:\n" + logTail(offset));
        }
    }

    private String logSinceUnchecked(long offset) {
        try {
            return logSince(offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String logSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(logFile);
        int from = (int) Math.min(offset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    public String logTail(long offset) {
        try {
            String s = logSince(offset);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "<cannot read log: " + e + ">";
        }
    }

    private boolean portOpen() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, clientPort), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL the process and all its descendants; waits (bounded) until they are gone. */
    public void kill9() {
        if (process == null) return;
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        // Wait on Process.onExit, which completes once the Process is marked exited. Its ProcessHandle's onExit is a
        // separate callback on the same exit and can run first, and ProcessHandle.isAlive is false for a zombie; either
        // way process.isAlive() could still say true for a process already gone ("survived SIGKILL for 10 s; no /proc
        // entry" in CI, once after a 10 s wait, twice after none).
        List<CompletableFuture<?>> exits = new ArrayList<>();
        descendants.forEach(h -> exits.add(h.onExit()));
        exits.add(process.onExit());
        CompletableFuture<Void> gone = CompletableFuture.allOf(exits.toArray(new CompletableFuture<?>[0]));
        // Where the member sleeps, once a second while it has not gone: a SIGKILLed process in uninterruptible
        // disk sleep (state D) goes only when its I/O finishes, which tells a slow disk from a bug.
        List<String> samples = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!gone.isDone() && System.nanoTime() < deadline) {
            try {
                gone.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException stillThere) {
                samples.add(kernelState(process.pid()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                break; // onExit does not fail; the check below decides
            }
        }
        if (process.isAlive()) {
            throw new AssertionError(kind.label() + " pid " + process.pid() + " survived SIGKILL for 10 s; "
                    + kernelState(process.pid()) + "; each second: " + samples);
        }
    }

    /** What the kernel says of a process (state letter, and where it sleeps), to tell a D-state wait from a bug. */
    private static String kernelState(long pid) {
        try {
            String stat = Files.readString(Paths.get("/proc/" + pid + "/stat")).trim();
            String wchan = Files.readString(Paths.get("/proc/" + pid + "/wchan")).trim();
            return "state " + stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) + ", wchan " + wchan;
        } catch (IOException | RuntimeException e) {
            return "no /proc entry (" + e + ")";
        }
    }

    /** SIGTERM (graceful), wait up to 20 s, then SIGKILL. */
    public void terminate() {
        if (process == null || !process.isAlive()) return;
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill9();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill9();
        }
        for (ProcessHandle h : tree) if (h.isAlive()) h.destroyForcibly();
    }

    /** Stops (SIGTERM) if running, then starts again with the same flags and data dir. */
    public ServerProcess restart() {
        terminate();
        return start();
    }

    @Override
    public void close() {
        try {
            sigcont(); // a SIGSTOPped process would sit out SIGTERM's grace period
            terminate();
        } finally {
            kill9();
        }
    }

    /** Deletes a file or a directory tree, if present. */
    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    @Override
    public String toString() {
        return kind.label() + "@" + endpoint();
    }
}
