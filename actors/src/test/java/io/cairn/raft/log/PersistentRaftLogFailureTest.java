package io.cairn.raft.log;

import static io.cairn.raft.log.LogFixtures.AWAIT_SECONDS;
import static io.cairn.raft.log.LogFixtures.await;
import static io.cairn.raft.log.LogFixtures.entries;
import static io.cairn.raft.log.LogFixtures.hardState;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Journal failures, injected with Akka's persistence testkit journal. */
@Timeout(30)
class PersistentRaftLogFailureTest {

  private static final long MEMBER_ID = 7;

  private ActorSystem<Void> system;
  private PersistenceTestKit journal;

  @BeforeEach
  void startSystem() {
    Config config =
        ConfigFactory.parseString("cairn.raft.log.journal-plugin = \"" + PersistenceTestKitPlugin.PluginId() + "\"")
            .withFallback(PersistenceTestKitPlugin.getInstance().config())
            .withFallback(ConfigFactory.parseResources("cairn-raft-log.conf"))
            .withFallback(ConfigFactory.load())
            .resolve();
    system = ActorSystem.create(Behaviors.empty(), "raft-log-failure-test", config);
    journal = PersistenceTestKit.create(system);
  }

  @AfterEach
  void stopSystem() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void aFailedWriteFailsItsStageAndEveryLaterCall() throws Exception {
    PersistentRaftLog log = await(PersistentRaftLog.open(system, MEMBER_ID));
    await(log.append(entries(1, 2, 1)));
    journal.failNextPersisted();

    CompletionStage<Void> failed = log.append(entries(3, 4, 1));
    CompletionStage<Void> queuedBehind = log.saveHardState(hardState(1, 1));

    assertJournalFailure(failed);
    assertJournalFailure(queuedBehind);
    assertJournalFailure(log.append(entries(5, 5, 1))); // fails fast
  }

  @Test
  void aJournalWithoutItsPrefixOrCompactionMarkerFailsToOpen() throws Exception {
    journal.persistForRecovery(
        PersistentRaftLog.persistenceId(MEMBER_ID), List.of(LogEvents.appended(entries(5, 6, 1))));

    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> await(PersistentRaftLog.open(system, MEMBER_ID)));
    assertInstanceOf(IllegalStateException.class, failure.getCause());
  }

  @Test
  void aRecoveredJournalSurvivesTheTestkitRoundTrip() throws Exception {
    journal.persistForRecovery(
        PersistentRaftLog.persistenceId(MEMBER_ID),
        List.of(LogEvents.appended(entries(1, 3, 1)), LogEvents.hardState(hardState(1, 2))));

    PersistentRaftLog log = await(PersistentRaftLog.open(system, MEMBER_ID));

    org.junit.jupiter.api.Assertions.assertEquals(3, log.lastIndex());
    org.junit.jupiter.api.Assertions.assertEquals(hardState(1, 2), log.hardState());
  }

  private static void assertJournalFailure(CompletionStage<Void> stage) {
    ExecutionException failure = assertThrows(ExecutionException.class, () -> await(stage));
    assertInstanceOf(RaftLogFailedException.class, failure.getCause());
  }
}
