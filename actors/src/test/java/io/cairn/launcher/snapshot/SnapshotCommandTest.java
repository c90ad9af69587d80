package io.cairn.launcher.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.member.cluster.ClusterPlan;
import io.cairn.member.cluster.BootstrapRecord;
import io.cairn.persistence.mvcc.ApplyBatch;
import io.cairn.persistence.mvcc.MvccStore;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotCommandTest {
  private static final String CLUSTER = "m1=http://127.0.0.1:12380,m2=http://127.0.0.1:22380";

  @TempDir Path dir;
  private Path snapshot;
  private long hashKv;
  private long revision;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = SnapshotCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @BeforeEach
  void writeSnapshot() throws Exception {
    try (MvccStore store = MvccStore.open(dir.resolve("source"))) {
      long index = 0;
      for (String[] kv : new String[][] {{"foo", "bar"}, {"foo", "baz"}, {"k", "v"}}) {
        try (ApplyBatch b = store.beginApply()) {
          b.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(kv[0]))
              .setValue(ByteString.copyFromUtf8(kv[1])).build());
          b.putMeta("member/id", new byte[8]);
          b.commit(++index, false);
        }
      }
      hashKv = store.hashKV(0);
      revision = store.currentRevision();
      snapshot = dir.resolve("snap.db");
      try (OutputStream out = Files.newOutputStream(snapshot)) {
        store.writeSnapshot(out);
      }
    }
  }

  @Test
  void restoreMakesANewMemberWithEtcdsIdentity() throws Exception {
    Path data = dir.resolve("m1.cairn");
    Run r = run("restore", snapshot.toString(), "--name", "m1", "--initial-cluster", CLUSTER,
        "--initial-cluster-token=tk", "--initial-advertise-peer-urls", "http://127.0.0.1:12380",
        "--data-dir", data.toString());
    assertEquals(0, r.exit(), r.err());
    // etcdctl 3.4.23 restoring with these flags logs cluster-id f37d95ed99437c6c and these two member IDs
    assertTrue(r.err().contains("\"msg\":\"restoring snapshot\""), r.err());
    assertTrue(r.err().contains("\"cluster-id\":\"f37d95ed99437c6c\""), r.err());
    assertTrue(r.err().contains("\"added-peer-id\":\"c9b021a1d7fcd58b\""), r.err());
    assertTrue(r.err().contains("\"added-peer-id\":\"fde2f2e7481519d4\""), r.err());
    assertTrue(r.err().contains("\"msg\":\"restored snapshot\""), r.err());

    BootstrapRecord restored = BootstrapRecord.read(data).orElseThrow();
    ClusterPlan plan = restored.plan(List.of(java.net.URI.create("http://0.0.0.0:12380")));
    assertEquals("c9b021a1d7fcd58b", Long.toHexString(plan.selfId()));
    assertEquals("f37d95ed99437c6c", Long.toHexString(plan.clusterId()));
    assertEquals("0.0.0.0", plan.bind().host());
    try (MvccStore store = MvccStore.open(data.resolve("member/mvcc"))) {
      assertEquals(hashKv, store.hashKV(0));
      assertEquals(revision, store.currentRevision());
      assertEquals(0, store.appliedIndex());
      assertTrue(store.meta("member/id").isEmpty());
    }
    assertNoStaging();
  }

  @Test
  void restoreRefusesAnExistingDataDir() throws Exception {
    Path data = dir.resolve("busy");
    Files.createDirectories(data);
    Run r = run("restore", snapshot.toString(), "--data-dir", data.toString());
    assertEquals(1, r.exit());
    assertEquals("Error: data-dir \"" + data + "\" exists\n", r.err());
  }

  @Test
  void restoreChecksTheBootstrapFlagsAsEtcd() {
    Run r = run("restore", snapshot.toString(), "--name", "m3", "--initial-cluster", CLUSTER,
        "--data-dir", dir.resolve("x").toString());
    assertEquals(1, r.exit());
    assertEquals("Error: couldn't find local name \"m3\" in the initial cluster configuration\n", r.err());
    assertFalse(Files.exists(dir.resolve("x")));
  }

  @Test
  void damagedSnapshotsAreRefusedAndLeaveNothingBehind() throws Exception {
    byte[] good = Files.readAllBytes(snapshot);
    Path truncated = dir.resolve("truncated.db");
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 2));
    Path corrupt = dir.resolve("corrupt.db");
    byte[] bad = good.clone();
    bad[20] ^= 0x10;
    Files.write(corrupt, bad);

    Run t = run("restore", truncated.toString(), "--data-dir", dir.resolve("t").toString());
    assertEquals(1, t.exit());
    assertTrue(t.err().contains("Error: " + truncated + ": snapshot truncated"), t.err());
    Run c = run("restore", corrupt.toString(), "--data-dir", dir.resolve("c").toString());
    assertEquals(1, c.exit());
    assertTrue(c.err().contains("snapshot corrupt: SHA-256 checksum mismatch"), c.err());
    assertFalse(Files.exists(dir.resolve("t")));
    assertFalse(Files.exists(dir.resolve("c")));
    assertNoStaging();

    assertEquals(1, run("status", truncated.toString()).exit());
    Run cs = run("status", corrupt.toString());
    assertEquals(1, cs.exit());
    assertTrue(cs.err().startsWith("Error: " + corrupt + ": snapshot corrupt"), cs.err());
  }

  @Test
  void argumentErrorsAsEtcdctl() {
    Run none = run("restore");
    assertEquals(128, none.exit());
    assertEquals("Error: snapshot restore requires exactly one argument\n", none.err());
    Run two = run("status", "a", "b");
    assertEquals(128, two.exit());
    assertEquals("Error: snapshot status requires exactly one argument\n", two.err());
    Run flag = run("restore", snapshot.toString(), "--bogus=1");
    assertEquals(1, flag.exit());
    assertEquals("Error: unknown flag: --bogus\n", flag.err());
    Run missing = run("status", dir.resolve("nope.db").toString());
    assertEquals(1, missing.exit());
    assertEquals("Error: stat " + dir.resolve("nope.db") + ": no such file or directory\n", missing.err());
  }

  @Test
  void statusInEveryFormat() throws Exception {
    long size = Files.size(snapshot);
    Run simple = run("status", snapshot.toString());
    assertEquals(0, simple.exit(), simple.err());
    String[] parts = simple.out().strip().split(", ");
    assertEquals(String.valueOf(revision), parts[1]);
    assertEquals(SnapshotStatusFormat.humanBytes(size), parts[3]);
    long hash = Long.parseLong(parts[0], 16);
    Run json = run("status", snapshot.toString(), "-w", "json");
    assertEquals("{\"hash\":" + hash + ",\"revision\":" + revision + ",\"totalKey\":" + parts[2]
        + ",\"totalSize\":" + size + "}\n", json.out());
    Run fields = run("status", snapshot.toString(), "--write-out=fields");
    assertEquals("\"Hash\" : " + hash + "\n\"Revision\" : " + revision + "\n\"Keys\" : " + parts[2]
        + "\n\"Size\" : " + size + "\n", fields.out());
    Run table = run("status", snapshot.toString(), "-w", "table");
    List<String> lines = table.out().lines().toList();
    assertEquals(5, lines.size());
    assertTrue(lines.get(1).endsWith(" | REVISION | TOTAL KEYS | TOTAL SIZE |"), lines.get(1));
    assertTrue(lines.get(3).startsWith("| " + parts[0] + " |"), lines.get(3));
    assertEquals(lines.get(0), lines.get(2));
    assertEquals(lines.get(0), lines.get(4));
    assertTrue(lines.get(3).endsWith(" " + SnapshotStatusFormat.humanBytes(size) + " |"), lines.get(3));
    Run proto = run("status", snapshot.toString(), "-w", "protobuf");
    assertEquals(4, proto.exit());
    assertEquals("Error: protobuf not supported as output format\n", proto.err());
  }

  @Test
  void sizesAsGoHumanize() {
    assertEquals("7 B", SnapshotStatusFormat.humanBytes(7));
    assertEquals("544 B", SnapshotStatusFormat.humanBytes(544));
    assertEquals("1.5 kB", SnapshotStatusFormat.humanBytes(1500));
    assertEquals("20 kB", SnapshotStatusFormat.humanBytes(20480));
    assertEquals("131 kB", SnapshotStatusFormat.humanBytes(131072));
    assertEquals("2.1 GB", SnapshotStatusFormat.humanBytes(2147483648L));
  }

  private void assertNoStaging() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".restoring-")));
    }
  }
}
