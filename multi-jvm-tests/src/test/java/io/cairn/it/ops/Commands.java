package io.cairn.it.ops;

import io.cairn.it.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One-shot commands of the operator workflows (bin/cairn snapshot ..., etcdctl snapshot restore), bounded in time. */
final class Commands {
    private Commands() { }

    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        Result expectExit(int code) {
            if (exitCode != code) {
                throw new AssertionError(String.join(" ", command) + ": exit " + exitCode + " (want " + code
                        + ")\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    static Path cairn() {
        return ServerProcess.cairnHome().resolve("bin/cairn");
    }

    static Result run(Path workDir, Duration timeout, List<String> command) {
        return run(workDir, timeout, java.util.Map.of(), command);
    }

    /** Runs {@code command} with {@code env} added to this JVM's environment. */
    static Result run(Path workDir, Duration timeout, java.util.Map<String, String> env, List<String> command) {
        try {
            Files.createDirectories(workDir);
            Path out = Files.createTempFile(workDir, "cmd", ".out");
            Path err = Files.createTempFile(workDir, "cmd", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
            pb.environment().putAll(env);
            Process p = pb
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
                            + "; output so far:\n" + Files.readString(out) + Files.readString(err));
                }
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            Result r = new Result(List.copyOf(command), p.exitValue(), Files.readString(out), Files.readString(err));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
