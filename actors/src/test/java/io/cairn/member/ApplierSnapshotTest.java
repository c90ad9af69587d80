package io.cairn.member;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.AlarmMember;
import io.cairn.api.etcdserverpb.AlarmType;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.internal.LogEntry;
import io.cairn.api.raft.SnapshotMeta;
import io.cairn.persistence.mvcc.ApplyBatch;
import io.cairn.persistence.mvcc.MvccStore;
import io.cairn.raft.Committed;
import io.cairn.raft.CommittedEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The follower's install (Raft §7 step 8, etcd's applySnapshot) on the applier: the store becomes the
 * leader's, derived state is rebuilt, the node hears the applied index; a corrupt file changes nothing.
 */
@Timeout(30)
class ApplierSnapshotTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private MvccStore follower;
  private AppliedIndex appliedIndex;
  private AlarmState alarms;
  private final LinkedBlockingQueue<Long> appliedSink = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<Long> installedRevisions = new LinkedBlockingQueue<>();
  private ActorRef<Object> applier;

  @BeforeEach
  void start() throws IOException {
    follower = MvccStore.open(dir.resolve("follower"));
    appliedIndex = new AppliedIndex(follower.appliedIndex());
    alarms = new AlarmState(follower.alarms());
    ApplyListener listener = new ApplierFixture.QuietListener() {
      @Override
      public void snapshotInstalled(long revision) {
        installedRevisions.add(revision);
      }
    };
    applier = kit.spawn(ApplierFixture.applier(follower, new ProposalRegistry(100, Duration.ofSeconds(5)),
        appliedIndex, alarms, listener, appliedSink::add));
  }

  @AfterEach
  void stop() {
    kit.stop(applier);
    follower.close();
  }

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  private static LogEntry put(long id, String key) {
    return LogEntry.newBuilder().setId(id).setRequest(InternalRaftRequest.newBuilder().setPut(
        PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8("v")))).build();
  }

  /** A leader's store at applied index 50 with 3 keys and a NOSPACE alarm, written as a snapshot file. */
  private Path leaderSnapshot() throws IOException {
    try (MvccStore leader = MvccStore.open(dir.resolve("leader"))) {
      ApplyBatch tx = leader.beginApply();
      for (String k : List.of("a", "b", "c")) {
        tx.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(k)).setValue(ByteString.copyFromUtf8("x")).build());
      }
      tx.alarmActivate(AlarmMember.newBuilder().setMemberID(9).setAlarm(AlarmType.NOSPACE).build());
      tx.commit(50, true);
      Path file = dir.resolve("snap.tmp");
      try (OutputStream out = Files.newOutputStream(file)) {
        assertEquals(50, leader.writeSnapshot(out));
      }
      return file;
    } catch (io.cairn.persistence.mvcc.MvccException e) {
      throw new IllegalStateException(e);
    }
  }

  private CompletableFuture<Void> install(Path file, long index) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    applier.tell(new Applier.Install(file, SnapshotMeta.newBuilder().setIndex(index).setTerm(2).build(), done));
    return done;
  }

  @Test
  void installReplacesTheStoreRebuildsDerivedStateAndReportsTheIndex() throws Exception {
    applier.tell(new Committed(List.of(new CommittedEntry(1, 2, put(1, "old")))));
    assertEquals(1L, appliedSink.poll(WAIT.toSeconds(), TimeUnit.SECONDS));

    install(leaderSnapshot(), 50).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(50, appliedIndex.get());
    assertEquals(50L, appliedSink.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(follower.currentRevision(), installedRevisions.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(4, follower.currentRevision()); // the leader's three puts, not the follower's one
    assertTrue(alarms.isActive(AlarmType.NOSPACE), "alarms come from the snapshot");

    // Batches the snapshot covers are skipped; the next one applies on top of it.
    applier.tell(new Committed(List.of(new CommittedEntry(50, 2, put(2, "covered")))));
    applier.tell(new Committed(List.of(new CommittedEntry(51, 2, put(3, "next")))));
    assertEquals(51L, appliedSink.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(51, follower.appliedIndex());
    assertEquals(4, follower.currentRevision(), "the snapshot's NOSPACE alarm refuses the put, as the leader did");
  }

  @Test
  void aCorruptFileFailsTheInstallAndLeavesTheStoreAsItWas() throws Exception {
    applier.tell(new Committed(List.of(new CommittedEntry(1, 2, put(1, "old")))));
    assertEquals(1L, appliedSink.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    Path file = leaderSnapshot();
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> install(file, 50).get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertInstanceOf(IOException.class, failed.getCause());
    assertEquals(1, appliedIndex.get());
    assertEquals(2, follower.currentRevision());
    assertTrue(installedRevisions.isEmpty());
    assertTrue(appliedSink.isEmpty(), "the node hears nothing of a failed install");
  }
}
