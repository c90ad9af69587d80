package io.cairn.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Await;
import io.cairn.it.Commands;
import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import io.cairn.it.cluster.ClusterProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import io.etcd.jetcd.Client;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * etcd's disaster recovery workflow (reference guides 002 and 003), run against real processes of both servers:
 * a live 3-member cluster with data, {@code etcdctl snapshot save} against one member while a client keeps writing
 * through another (the snapshot must be one consistent cut: equal to the old cluster's HashKV and content at the
 * snapshot's revision), the old cluster gone, the
 * snapshot restored into three new data dirs ({@code bin/cairn snapshot restore} for Cairn, {@code etcdctl
 * snapshot restore} for etcd, same flags), a new 3-member cluster started from them with only --name, --data-dir
 * and the listen/advertise URLs. The new cluster serves the same key space (equal HashKV on every member, equal
 * content, the lease kept) under new member and cluster IDs; corrupted and truncated snapshots are refused.
 */
@Tag("cluster")
class SnapshotRestoreTest {
    private static final Duration CMD = Duration.ofSeconds(60);
    private static final Pattern HASHKV = Pattern.compile("\"hash\":(\\d+)");
    private static final Pattern MEMBER_ID = Pattern.compile("\"ID\":(\\d+)");
    private static final Pattern CLUSTER_ID = Pattern.compile("\"cluster_id\":(\\d+)");

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    void snapshotOfALiveClusterRestoresIntoANewCluster(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.dirFor(SnapshotRestoreTest.class, "restore", kind);
        Path work = dir.resolve("work");
        Path snapshot = work.resolve("snapshot.db");
        String lease;
        String oldHash;
        String oldContent;
        Set<String> oldMemberIds;
        String oldClusterId;
        long snapshotRevision;
        try (ClusterProcesses old = ClusterProcesses.start(kind, dir.resolve("old"), 3)) {
            Etcdctl ctl = old.ctlAll();
            for (int i = 0; i < 40; i++) ctl.run("put", "key" + (i % 25), "value-" + i).ok();
            ctl.run("del", "key2").ok();
            ctl.run("del", "key3", "--prefix").ok();
            lease = leaseId(ctl.run("lease", "grant", "3600").ok().stdout());
            ctl.run("put", "leased", "by-lease", "--lease=" + lease).ok();
            Files.createDirectories(work);
            // the snapshot of one member, taken while a client keeps writing through another
            try (Client client = old.client(0)) {
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger written = new AtomicInteger();
                AtomicReference<Throwable> writerFailure = new AtomicReference<>();
                Thread writer = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            int n = written.get();
                            client.getKVClient().put(ClusterProcesses.bs("live/" + (n % 50)), ClusterProcesses.bs("w" + n))
                                    .get(10, TimeUnit.SECONDS);
                            written.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        writerFailure.set(t);
                    }
                }, "snapshot-writer");
                writer.start();
                try {
                    Await.await("writes before the snapshot", Duration.ofSeconds(30),
                            () -> written.get() >= 20 || writerFailure.get() != null ? null : written.get() + " writes");
                    old.ctl(1).run("snapshot", "save", snapshot.toString()).ok();
                    int atSave = written.get();
                    Await.await("writes after the snapshot", Duration.ofSeconds(30),
                            () -> written.get() >= atSave + 20 || writerFailure.get() != null ? null
                                    : written.get() + " writes");
                } finally {
                    stop.set(true);
                    writer.join(30_000);
                }
                assertEquals(null, writerFailure.get(), "the writer failed");
            }
            // the snapshot is one consistent cut: the old cluster's key space at the snapshot's revision
            snapshotRevision = snapshotRevision(kind, work, snapshot);
            assertTrue(snapshotRevision > 40, "revision " + snapshotRevision);
            oldHash = singleHash(old.ctlAll().run("endpoint", "hashkv", "--rev=" + snapshotRevision, "-w", "json")
                    .ok().stdout());
            oldContent = old.ctl(0).run("get", "", "--prefix", "--rev=" + snapshotRevision).ok().stdout();
            assertNotEquals(oldContent, old.ctl(0).run("get", "", "--prefix").ok().stdout(),
                    "writes went on after the snapshot");
            oldMemberIds = memberIds(ctl);
            oldClusterId = clusterId(ctl);
        }
        assertTrue(oldContent.contains("leased\nby-lease\n"), oldContent);

        // status of the saved file
        if (kind == ServerProcess.Kind.CAIRN) {
            Commands.Result st = Commands.run(work, CMD,
                    List.of(Commands.cairn().toString(), "snapshot", "status", snapshot.toString(), "-w", "table"))
                    .expectExit(0);
            assertTrue(st.stdout().contains("| REVISION | TOTAL KEYS | TOTAL SIZE |"), st.stdout());
        }

        // restore into three new data dirs, for a new cluster (new token, new ports)
        int[] ports = ServerProcess.freePorts(6);
        List<String> initial = new ArrayList<>();
        for (int i = 0; i < 3; i++) initial.add("n" + (i + 1) + "=http://127.0.0.1:" + ports[2 * i + 1]);
        Path fresh = dir.resolve("new");
        ServerProcess.deleteRecursively(fresh);
        Files.createDirectories(fresh);
        List<ServerProcess> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                String name = "n" + (i + 1);
                Path data = fresh.resolve(name).resolve("data");
                Files.createDirectories(data.getParent());
                restore(kind, work, snapshot, data, name, String.join(",", initial), "http://127.0.0.1:" + ports[2 * i + 1])
                        .expectExit(0);
                int client = ports[2 * i];
                int peer = ports[2 * i + 1];
                // as etcd's recovery guide: no --initial-cluster flags, the data dir knows the new cluster
                members.add(ServerProcess.withFlags(kind, name, data, fresh.resolve(name).resolve(kind.label() + ".log"),
                        client, peer, List.of(
                                "--name", name,
                                "--data-dir", data.toString(),
                                "--listen-client-urls", "http://127.0.0.1:" + client,
                                "--advertise-client-urls", "http://127.0.0.1:" + client,
                                "--listen-peer-urls", "http://127.0.0.1:" + peer)));
            }
            for (ServerProcess m : members) m.launch();
            for (ServerProcess m : members) m.awaitReady();
            String endpoints = String.join(",", members.stream().map(ServerProcess::endpoint).toList());
            Etcdctl ctl = new Etcdctl(endpoints, work);

            Etcdctl.Result hashes = ctl.run("endpoint", "hashkv", "-w", "json").ok();
            assertEquals(3, count(HASHKV, hashes.stdout()), hashes.stdout());
            assertEquals(oldHash, singleHash(hashes.stdout()), "HashKV of the restored cluster: " + hashes.stdout());
            assertTrue(hashes.stdout().contains("\"revision\":" + snapshotRevision), hashes.stdout());
            for (int i = 0; i < 3; i++) {
                assertEquals(oldContent, new Etcdctl(members.get(i).endpoint(), work)
                        .run("get", "", "--prefix", "--consistency=s").ok().stdout(), members.get(i).name());
            }
            assertTrue(ctl.run("lease", "list").ok().stdout().contains(lease), "the lease survives the restore");

            Set<String> newIds = memberIds(ctl);
            assertEquals(3, newIds.size());
            assertTrue(newIds.stream().noneMatch(oldMemberIds::contains), "new member IDs: " + newIds + " vs " + oldMemberIds);
            assertNotEquals(oldClusterId, clusterId(ctl));
            ctl.run("put", "after-restore", "ok").ok();
            assertEquals("ok\n", ctl.run("get", "after-restore", "--print-value-only").ok().stdout());
        } finally {
            for (ServerProcess m : members) m.close();
        }

        // damaged snapshots are refused
        byte[] good = Files.readAllBytes(snapshot);
        Path truncated = work.resolve("truncated.db");
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 100));
        Path corrupted = work.resolve("corrupted.db");
        byte[] bad = good.clone();
        bad[good.length / 3] ^= 0x20;
        Files.write(corrupted, bad);
        for (Path damaged : List.of(truncated, corrupted)) {
            Path data = work.resolve("refused-" + damaged.getFileName());
            ServerProcess.deleteRecursively(data);
            Commands.Result r = restore(kind, work, damaged, data, "n1", String.join(",", initial),
                    "http://127.0.0.1:" + ports[1]);
            assertEquals(1, r.exitCode(), damaged + ": " + r.stderr());
            assertTrue(r.stderr().contains("Error: "), r.stderr());
            if (kind == ServerProcess.Kind.CAIRN) {
                assertFalse(Files.exists(data), "a refused restore leaves no data dir");
                assertTrue(r.stderr().contains(damaged.equals(truncated) ? "truncated" : "SHA-256 checksum mismatch"),
                        r.stderr());
                Commands.Result st = Commands.run(work, CMD,
                        List.of(Commands.cairn().toString(), "snapshot", "status", damaged.toString()));
                assertEquals(1, st.exitCode(), st.stderr());
            }
        }
    }

    private static Commands.Result restore(ServerProcess.Kind kind, Path work, Path snapshot, Path data, String name,
                                           String initialCluster, String peerUrl) {
        List<String> tool = kind == ServerProcess.Kind.CAIRN
                ? List.of(Commands.cairn().toString(), "snapshot", "restore")
                : List.of(Etcdctl.BIN, "snapshot", "restore");
        return Commands.run(work, CMD, Commands.concat(tool, snapshot.toString(),
                "--name", name,
                "--initial-cluster", initialCluster,
                "--initial-cluster-token", "restored-tkn",
                "--initial-advertise-peer-urls", peerUrl,
                "--data-dir", data.toString()));
    }

    /** The store revision the snapshot file holds, as the server's own tool reports it. */
    private static long snapshotRevision(ServerProcess.Kind kind, Path work, Path snapshot) {
        List<String> tool = kind == ServerProcess.Kind.CAIRN
                ? List.of(Commands.cairn().toString(), "snapshot", "status")
                : List.of(Etcdctl.BIN, "snapshot", "status");
        String json = Commands.run(work, CMD, Commands.concat(tool, snapshot.toString(), "-w", "json")).expectExit(0).stdout();
        Matcher m = Pattern.compile("\"revision\":(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return Long.parseLong(m.group(1));
    }

    private static String leaseId(String grantOutput) {
        Matcher m = Pattern.compile("lease ([0-9a-f]+) granted").matcher(grantOutput);
        assertTrue(m.find(), grantOutput);
        return m.group(1);
    }

    /** The one HashKV every endpoint reports (fails if they differ). */
    private static String singleHash(String json) {
        Set<String> hashes = new TreeSet<>();
        Matcher m = HASHKV.matcher(json);
        while (m.find()) hashes.add(m.group(1));
        assertEquals(1, hashes.size(), "members disagree on HashKV: " + json);
        return hashes.iterator().next();
    }

    private static int count(Pattern p, String s) {
        int n = 0;
        Matcher m = p.matcher(s);
        while (m.find()) n++;
        return n;
    }

    private static Set<String> memberIds(Etcdctl ctl) {
        String json = ctl.run("member", "list", "-w", "json").ok().stdout();
        Set<String> ids = new TreeSet<>();
        Matcher m = MEMBER_ID.matcher(json);
        while (m.find()) ids.add(m.group(1));
        return ids;
    }

    private static String clusterId(Etcdctl ctl) {
        String json = ctl.run("member", "list", "-w", "json").ok().stdout();
        Matcher m = CLUSTER_ID.matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }

}
