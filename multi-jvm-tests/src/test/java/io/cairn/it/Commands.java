package io.cairn.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one way the tests run a short-lived command (etcdctl, bin/cairn snapshot ..., ip/nft): bounded in time,
 * stdout and stderr captured in files under the work dir (no pipe can fill up and stall the command), the
 * process tree killed afterwards whatever happened.
 */
public final class Commands {
    private Commands() { }

    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public Result expectExit(int code) {
            if (exitCode != code) {
                throw new AssertionError(String.join(" ", command) + ": exit " + exitCode + " (want " + code
                        + ")\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    /** bin/cairn of the build under test. */
    public static Path cairn() {
        return ServerProcess.cairnHome().resolve("bin/cairn");
    }

    public static Result run(Path workDir, Duration timeout, List<String> command) {
        return run(workDir, timeout, Map.of(), null, command);
    }

    /**
     * Runs {@code command} in {@code workDir} with {@code env} added to this JVM's environment and {@code stdin}
     * (null: /dev/null) as its input; fails the test if it does not finish within {@code timeout}.
     */
    public static Result run(Path workDir, Duration timeout, Map<String, String> env, String stdin,
                             List<String> command) {
        try {
            Files.createDirectories(workDir);
            Path out = Files.createTempFile(workDir, "cmd", ".out");
            Path err = Files.createTempFile(workDir, "cmd", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            try {
                if (stdin != null) {
                    try (OutputStream os = p.getOutputStream()) {
                        os.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
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

    public static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
