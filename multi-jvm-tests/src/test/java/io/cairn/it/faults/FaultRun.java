package io.cairn.it.faults;

import io.cairn.it.Await;
import io.cairn.it.ServerProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One fault-injection run: a fresh cluster in its namespaces, the workloads started, the nemesis' schedule played
 * (inject, hold for the fault's duration, heal, wait bounded until the cluster is healthy again, a quiet
 * interval), the workloads stopped, every member kill -9'd and restarted, then every workload's check and the
 * convergence check. Prints exactly one summary line, {@code cairn-faults: ops=<n> faults=<n> anomalies=<n>}.
 * On an anomaly or an error, the histories, the fault timeline and the member logs stay in the run's directory
 * under target/; otherwise the directory is removed.
 */
final class FaultRun {

    /** A schedule: the next fault with its hold time and the quiet time after it, or null when done. */
    interface Schedule {
        Step next(Random random);
    }

    record Step(Nemesis.Fault fault, Duration hold, Duration quiet) { }

    record Result(long ops, int faults, List<String> anomalies, Path dir, String summary) { }

    private final ServerProcess.Kind kind;
    private final int members;
    private final long seed;
    private final Path dir;
    private final Duration recoveryTimeout = Duration.ofSeconds(90);

    FaultRun(ServerProcess.Kind kind, int members, long seed, Path dir) {
        this.kind = kind;
        this.members = members;
        this.seed = seed;
        this.dir = dir;
    }

    /** Every fault once, in the given order, each held for {@code hold}. */
    static Schedule fixed(List<Nemesis.Fault> faults, Duration hold, Duration quiet) {
        var it = faults.iterator();
        return random -> it.hasNext() ? new Step(it.next(), hold, quiet) : null;
    }

    /** Random faults with random hold (1..8 s) and quiet (1..4 s) times until {@code total} has passed. */
    static Schedule randomUntil(Duration total) {
        long deadline = System.nanoTime() + total.toNanos();
        Nemesis.Fault[] all = Nemesis.Fault.values();
        return random -> System.nanoTime() >= deadline ? null
                : new Step(all[random.nextInt(all.length)], Duration.ofMillis(1000 + random.nextInt(7000)),
                        Duration.ofMillis(1000 + random.nextInt(3000)));
    }

    Result run(Schedule schedule, List<Workload> workloads) {
        Random random = new Random(seed);
        long t0 = System.nanoTime();
        StringBuilder timeline = new StringBuilder();
        // each timeline line also goes to the test output as it happens, so a long run shows its progress
        Consumer<String> note = line -> {
            String l = String.format("%7.1f s %s", (System.nanoTime() - t0) / 1e9, line);
            synchronized (timeline) {
                timeline.append(l).append('\n');
            }
            System.out.println(l);
        };
        note.accept("seed " + seed + ", " + members + " " + kind.label() + " members in " + dir);
        Map<Nemesis.Fault, Integer> counts = new EnumMap<>(Nemesis.Fault.class);
        List<String> anomalies = new ArrayList<>();
        int faults = 0;
        boolean failed = true;
        FaultNetwork net = FaultNetwork.create(members);
        FaultCluster cluster = null;
        try {
            cluster = FaultCluster.start(kind, dir, net);
            note.accept("cluster up");
            for (Workload w : workloads) w.start(cluster);
            awaitOps(workloads);
            Nemesis nemesis = new Nemesis(cluster, net, random);
            for (Step step = schedule.next(random); step != null; step = schedule.next(random)) {
                Nemesis.Injected injected = nemesis.inject(step.fault());
                faults++;
                counts.merge(step.fault(), 1, Integer::sum);
                note.accept(step.fault() + ": " + injected.description() + " for " + step.hold().toMillis() + " ms");
                Await.pace(step.hold().toMillis()); // the fault's duration
                injected.heal().run();
                int leader = cluster.awaitHealthy(recoveryTimeout);
                note.accept("healed; healthy with leader " + cluster.name(leader) + "; ops so far "
                        + workloads.stream().mapToLong(Workload::ops).sum());
                Await.pace(step.quiet().toMillis()); // normal operation between faults
            }
            for (Workload w : workloads) w.stop();
            note.accept("workloads stopped; kill -9 all members, restart all");
            net.heal();
            for (int i : cluster.all()) cluster.kill9(i);
            cluster.launchAndAwait(cluster.all());
            int leader = cluster.awaitHealthy(recoveryTimeout);
            note.accept("restarted, leader " + cluster.name(leader));
            for (Workload w : workloads) {
                List<String> found = w.check(cluster);
                note.accept(w.name() + ": " + w.ops() + " ops" + w.details() + ", " + found.size() + " anomalies");
                anomalies.addAll(found);
            }
            List<String> convergence = ConvergenceCheck.check(cluster, leader, note);
            anomalies.addAll(convergence);
            failed = !anomalies.isEmpty();
        } finally {
            long ops = workloads.stream().mapToLong(Workload::ops).sum();
            note.accept("faults by type: " + counts);
            for (String a : anomalies) note.accept("ANOMALY " + a);
            // after an error mid-run the client threads would otherwise go on until the JVM exits
            for (Workload w : workloads) {
                try { w.stop(); } catch (RuntimeException | Error ignored) { }
            }
            if (cluster != null) {
                try { cluster.close(); } catch (RuntimeException | Error ignored) { }
            }
            net.close();
            String summary = "cairn-faults: ops=" + ops + " faults=" + faults + " anomalies=" + anomalies.size();
            System.out.println(summary);
            if (failed) {
                keepArtifacts(workloads, timeline + summary + "\n");
                System.out.println("cairn-faults: history, timeline and member logs kept in " + dir);
            } else {
                deleteQuietly(dir);
            }
        }
        long ops = workloads.stream().mapToLong(Workload::ops).sum();
        return new Result(ops, faults, List.copyOf(anomalies), dir,
                "cairn-faults: ops=" + ops + " faults=" + faults + " anomalies=" + anomalies.size());
    }

    private static void awaitOps(List<Workload> workloads) {
        Await.await("every workload issued a request", Duration.ofSeconds(60), () -> {
            List<String> idle = workloads.stream().filter(w -> w.ops() < 1).map(Workload::name).toList();
            return idle.isEmpty() ? null : "idle: " + idle;
        });
    }

    private void keepArtifacts(List<Workload> workloads, String timeline) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("timeline.txt"), timeline);
            for (Workload w : workloads) {
                try {
                    w.dump(dir);
                } catch (RuntimeException e) {
                    Files.writeString(dir.resolve(w.name() + "-dump-error.txt"), e.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            ServerProcess.deleteRecursively(dir);
        } catch (IOException ignored) {
            // leftovers under target/ are harmless
        }
    }
}
