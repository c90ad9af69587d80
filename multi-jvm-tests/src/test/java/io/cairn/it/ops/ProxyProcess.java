package io.cairn.it.ops;

import io.cairn.it.Await;
import io.cairn.it.Commands;
import io.cairn.it.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running {@code etcd gateway start} or {@code etcd grpc-proxy start} (etcd's, or {@code bin/cairn}'s), its output
 * in a log file; closing it stops it with SIGTERM, then SIGKILL, each wait bounded.
 */
record ProxyProcess(Process process, Path log) implements AutoCloseable {
    private static final Duration LOG_WAIT = Duration.ofSeconds(60);

    /** {@code etcd|cairn SUBCOMMAND start FLAGS...}: the command line of such a proxy. */
    static List<String> command(ServerProcess.Kind kind, String subcommand, List<String> flags) {
        List<String> cmd = new ArrayList<>(List.of(
                kind == ServerProcess.Kind.ETCD ? "/usr/bin/etcd" : Commands.cairn().toString(), subcommand, "start"));
        cmd.addAll(flags);
        return cmd;
    }

    /** Starts it in {@code dir}, its output in {@code log}; does not wait for it to be ready. */
    static ProxyProcess start(ServerProcess.Kind kind, String subcommand, Path dir, Path log, List<String> flags)
            throws IOException {
        Files.createDirectories(dir);
        Process process = new ProcessBuilder(command(kind, subcommand, flags)).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ProxyProcess(process, log);
    }

    /** Waits (bounded) for a line of its log containing {@code text}. */
    void awaitLog(String text) {
        Await.await("log line " + text + " in " + log.getFileName(), LOG_WAIT, () -> read().contains(text) ? null
                : "alive=" + process.isAlive() + ", log so far:\n" + read());
    }

    String read() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
