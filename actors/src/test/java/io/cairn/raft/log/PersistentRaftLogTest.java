package io.cairn.raft.log;

import static io.cairn.raft.log.LogFixtures.AWAIT_SECONDS;
import static io.cairn.raft.log.LogFixtures.await;
import static io.cairn.raft.log.LogFixtures.entries;
import static io.cairn.raft.log.LogFixtures.entry;
import static io.cairn.raft.log.LogFixtures.hardState;
import static io.cairn.raft.log.LogFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** PersistentRaftLog on the LevelDB journal (native, fsync on) in a temporary data directory. */
@Timeout(60)
class PersistentRaftLogTest {

  private static final long MEMBER_ID = 0xcafeL;

  @TempDir Path dataDir;
  private ActorSystem<Void> system;

  static Config config(Path dataDir) {
    return RaftLogSettings.forDataDir(dataDir)
        .withFallback(ConfigFactory.parseResources("cairn-raft-log.conf"))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  private PersistentRaftLog open() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "raft-log-test", config(dataDir));
    return await(PersistentRaftLog.open(system, MEMBER_ID));
  }

  /** Terminates the member's ActorSystem (closing LevelDB) and opens the log again from the same dir. */
  private PersistentRaftLog restart() throws Exception {
    stopSystem();
    return open();
  }

  private void stopSystem() throws Exception {
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
      system = null;
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    stopSystem();
  }

  @Test
  void aNewLogIsEmpty() throws Exception {
    PersistentRaftLog log = open();

    assertEquals(1, log.firstIndex());
    assertEquals(0, log.lastIndex());
    assertEquals(0, log.term(0));
    assertEquals(hardState(0, 0), log.hardState());
    assertEquals(snapshot(0, 0), log.snapshotMeta());
  }

  @Test
  void appendedEntriesReadBackAtOnceAndAfterDurability() throws Exception {
    PersistentRaftLog log = open();

    CompletionStage<Void> durable = log.append(entries(1, 3, 1));
    assertEquals(3, log.lastIndex()); // visible before durable, like etcd's unstable log
    await(durable);

    assertEquals(entries(1, 3, 1), log.entries(1, 4, Long.MAX_VALUE));
    assertEquals(1, log.term(3));
    assertThrows(IndexOutOfBoundsException.class, () -> log.term(4));
    assertThrows(IndexOutOfBoundsException.class, () -> log.entries(2, 5, Long.MAX_VALUE));
  }

  @Test
  void entriesStopAtMaxBytesButReturnAtLeastOne() throws Exception {
    PersistentRaftLog log = open();
    await(log.append(entries(1, 3, 1)));
    long oneEntryBytes = entry(1, 1).getData().size();

    assertEquals(1, log.entries(1, 4, 0).size());
    assertEquals(2, log.entries(1, 4, 2 * oneEntryBytes).size());
    assertEquals(3, log.entries(1, 4, Long.MAX_VALUE).size());
  }

  @Test
  void appendRejectsGapsAndOverwritingTheCompactedLog() throws Exception {
    PersistentRaftLog log = open();
    await(log.append(entries(1, 4, 1)));
    await(log.compact(snapshot(2, 1)));

    assertThrows(IllegalArgumentException.class, () -> log.append(entries(6, 6, 1)));
    assertThrows(IllegalArgumentException.class, () -> log.append(entries(2, 3, 2)));
    assertThrows(IllegalArgumentException.class, () -> log.append(List.of(entry(5, 1), entry(7, 1))));
    assertEquals(4, log.lastIndex());
  }

  @Test
  void truncateAndAppendReplacesTheConflictingSuffix() throws Exception {
    PersistentRaftLog log = open();
    await(log.append(entries(1, 5, 1)));

    await(log.append(entries(3, 4, 2)));

    assertEquals(4, log.lastIndex());
    List<Long> terms = new ArrayList<>();
    for (long index = 1; index <= 4; index++) {
      terms.add(log.term(index));
    }
    assertEquals(List.of(1L, 1L, 2L, 2L), terms);
  }

  @Test
  void aRestartRecoversEntriesHardStateAndTruncations() throws Exception {
    PersistentRaftLog log = open();
    log.append(entries(1, 5, 1));
    log.saveHardState(hardState(2, 3));
    await(log.append(entries(4, 6, 2))); // truncates 4..5 of term 1

    PersistentRaftLog recovered = restart();

    assertEquals(hardState(2, 3), recovered.hardState());
    assertEquals(1, recovered.firstIndex());
    assertEquals(6, recovered.lastIndex());
    List<io.cairn.api.raft.Entry> expected = new ArrayList<>(entries(1, 3, 1));
    expected.addAll(entries(4, 6, 2));
    assertEquals(expected, recovered.entries(1, 7, Long.MAX_VALUE));
  }

  @Test
  void compactionDeletesTheJournalPrefixAndARestartKeepsTheRest() throws Exception {
    PersistentRaftLog log = open();
    log.append(entries(1, 3, 1)); // seq 1
    log.append(entries(4, 6, 1)); // seq 2
    log.append(entries(7, 8, 2)); // seq 3
    log.append(entries(9, 10, 2)); // seq 4
    log.saveHardState(hardState(2, 7)); // seq 5

    await(log.compact(snapshot(6, 1))); // seq 6 (marker), 7 (hard state)

    assertEquals(7, log.firstIndex());
    assertThrows(IndexOutOfBoundsException.class, () -> log.entries(6, 8, Long.MAX_VALUE));
    assertEquals(2L, await(log.lastPrefixDeletion())); // seq 1..2 only hold entries <= 6
    PersistentRaftLog recovered = restart();
    assertEquals(5, recovered.recoveredEventCount()); // seq 3..7
    assertEquals(snapshot(6, 1), recovered.snapshotMeta());
    assertEquals(7, recovered.firstIndex());
    assertEquals(10, recovered.lastIndex());
    assertEquals(1, recovered.term(6));
    assertEquals(entries(7, 10, 2).subList(0, 2), recovered.entries(7, 9, Long.MAX_VALUE));
    assertEquals(hardState(2, 7), recovered.hardState());
  }

  @Test
  void aCompactionInsideAnAppendBatchKeepsThatBatch() throws Exception {
    PersistentRaftLog log = open();
    log.append(entries(1, 4, 1)); // seq 1
    log.append(entries(5, 8, 1)); // seq 2: reaches past the compaction point
    log.saveHardState(hardState(1, 1)); // seq 3

    await(log.compact(snapshot(6, 1)));
    assertEquals(1L, await(log.lastPrefixDeletion()));

    PersistentRaftLog recovered = restart();
    assertEquals(4, recovered.recoveredEventCount());
    assertEquals(7, recovered.firstIndex());
    assertEquals(entries(7, 8, 1), recovered.entries(7, 9, Long.MAX_VALUE));
    assertEquals(hardState(1, 1), recovered.hardState());
  }

  @Test
  void resetToSnapshotReplacesTheLogAndDeletesEverythingBefore() throws Exception {
    PersistentRaftLog log = open();
    log.append(entries(1, 5, 1)); // seq 1
    log.saveHardState(hardState(3, 2)); // seq 2

    await(log.resetToSnapshot(snapshot(20, 4))); // seq 3 (reset), 4 (hard state)
    assertEquals(21, log.firstIndex());
    assertEquals(20, log.lastIndex());
    assertEquals(2L, await(log.lastPrefixDeletion()));
    await(log.append(entries(21, 22, 4))); // seq 5

    PersistentRaftLog recovered = restart();
    assertEquals(3, recovered.recoveredEventCount());
    assertEquals(snapshot(20, 4), recovered.snapshotMeta());
    assertEquals(entries(21, 22, 4), recovered.entries(21, 23, Long.MAX_VALUE));
    assertEquals(hardState(3, 2), recovered.hardState());
  }

  @Test
  void completionsArriveInCallOrder() throws Exception {
    PersistentRaftLog log = open();
    ConcurrentLinkedQueue<Integer> completionOrder = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<Void>> completions = new ArrayList<>();
    long nextIndex = 1;
    for (int call = 0; call < 200; call++) {
      CompletionStage<Void> stage =
          call % 4 == 3 ? log.saveHardState(hardState(call, 1)) : log.append(List.of(entry(nextIndex++, 1)));
      int callNumber = call;
      completions.add(stage.thenRun(() -> completionOrder.add(callNumber)).toCompletableFuture());
    }

    await(CompletableFuture.allOf(completions.toArray(CompletableFuture[]::new)));

    List<Integer> expected = new ArrayList<>();
    for (int call = 0; call < 200; call++) {
      expected.add(call);
    }
    assertEquals(expected, List.copyOf(completionOrder));
    assertEquals(0, log.pendingWrites());
    assertEquals(150, restart().lastIndex());
  }

  @Test
  void aNoOpCallCompletesAfterTheCallsBeforeIt() throws Exception {
    PersistentRaftLog log = open();
    CompletableFuture<Void> append = log.append(entries(1, 2, 1)).toCompletableFuture();

    CompletableFuture<Void> noOp = log.append(List.of()).toCompletableFuture();
    await(noOp);

    assertEquals(true, append.isDone());
  }
}
