package io.cairn.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scenario run against one server: an etcdctl bound to it plus the transcript being recorded.
 * Everything recorded goes through {@link Normalizer} before etcd's and Cairn's are compared.
 */
public final class Session {

    private final ServerProcess server;
    private final Etcdctl ctl;
    private final Path work;
    private final StringBuilder transcript = new StringBuilder();
    private String memberIdDec;
    private String clusterIdDec;

    Session(ServerProcess server, Path work) {
        this.server = server;
        this.work = work;
        this.ctl = new Etcdctl(server.endpoint(), work);
        learnIds();
    }

    /** Reads member/cluster ID from the server (not recorded); used only for masking. */
    void learnIds() {
        Etcdctl.Result r = ctl.run("endpoint", "status", "-w", "json");
        Matcher m = Pattern.compile("\"cluster_id\":(\\d+),\"member_id\":(\\d+)").matcher(r.stdout());
        if (m.find()) {
            clusterIdDec = m.group(1);
            memberIdDec = m.group(2);
        }
    }

    public ServerProcess server() { return server; }
    public Etcdctl etcdctl() { return ctl; }
    public Path work() { return work; }
    public ServerProcess.Kind kind() { return server.kind(); }
    public String transcript() { return transcript.toString(); }

    public Normalizer normalizer(java.util.Set<String> leaseKeyPrefixes) {
        return new Normalizer(memberIdDec, clusterIdDec, server.endpoint(), work.toString(), leaseKeyPrefixes);
    }

    /** Runs etcdctl and records command, exit code, stdout and stderr. */
    public Etcdctl.Result ctl(String... args) {
        return record(ctl.run(args), Session::fullView);
    }

    /** Runs etcdctl with stdin (e.g. txn) and records everything. */
    public Etcdctl.Result ctlIn(String stdin, String... args) {
        transcript.append("<<stdin\n").append(stdin).append(stdin.endsWith("\n") ? "" : "\n").append("stdin\n");
        return record(ctl.run(Etcdctl.DEFAULT_TIMEOUT, stdin, args), Session::fullView);
    }

    /** Runs etcdctl (bounded by timeout) and records only what {@code view} extracts. */
    public Etcdctl.Result ctlView(Duration timeout, Function<Etcdctl.Result, String> view, String... args) {
        return record(ctl.run(timeout, null, args), view);
    }

    /** Runs etcdctl without recording (polling, setup). */
    public Etcdctl.Result quiet(String... args) {
        return ctl.run(args);
    }

    public Etcdctl.Result record(Etcdctl.Result r, Function<Etcdctl.Result, String> view) {
        transcript.append("$ etcdctl ").append(String.join(" ", r.args().stream().map(a -> a.isEmpty() ? "''" : a).toList())).append('\n').append(view.apply(r));
        return r;
    }

    public static String fullView(Etcdctl.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("[exit ").append(r.exitCode()).append("]\n");
        sb.append(r.stdout());
        if (!r.stdout().isEmpty() && !r.stdout().endsWith("\n")) sb.append("\\ no newline\n");
        if (!r.stderr().isEmpty()) {
            sb.append("[stderr]\n").append(r.stderr());
            if (!r.stderr().endsWith("\n")) sb.append('\n');
        }
        return sb.toString();
    }

    /** Records a free-form labelled block (e.g. a background process's output). */
    public void note(String label, String text) {
        transcript.append("## ").append(label).append('\n').append(text);
        if (!text.isEmpty() && !text.endsWith("\n")) transcript.append('\n');
    }

    public Etcdctl.Background background(String label, String... args) {
        return ctl.start(label, args);
    }

    /** A behavioural expectation; fails naming the server. */
    public void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("[" + kind().label() + "] expectation failed: " + what
                    + "\n--- transcript so far ---\n" + transcript);
        }
    }

    /** Bounded poll of a condition (no fixed sleeps). */
    public void await(String what, Duration timeout, BooleanSupplier condition) {
        check(Await.until(timeout, () -> condition.getAsBoolean() ? null : "no") == null,
                what + " (within " + timeout + ")");
    }

    public static List<String> lines(String s) {
        return s.lines().toList();
    }
}
