package io.cairn.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.BehaviorTestKit;
import akka.actor.testkit.typed.javadsl.TestInbox;
import io.cairn.api.internal.LogEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class SingleMemberLogTest {

  private static LogCommand.Propose propose(long id) {
    return new LogCommand.Propose(LogEntry.newBuilder().setId(id).build());
  }

  @Test
  void proposalsInTheMailboxFormOneBatchWithConsecutiveIndexes() {
    TestInbox<Committed> applier = TestInbox.create();
    BehaviorTestKit<LogCommand> log = BehaviorTestKit.create(SingleMemberLog.create(2, 41, applier.getRef(), 100, 1 << 20));
    for (int i = 1; i <= 5; i++) {
      log.run(propose(i)); // all five arrive before the Flush the first one sent
    }
    assertFalse(applier.hasMessages());
    log.runOne(); // the Flush
    Committed batch = applier.receiveMessage();
    assertEquals(5, batch.entries().size());
    assertEquals(42, batch.firstIndex());
    assertEquals(46, batch.lastIndex());
    for (int i = 0; i < 5; i++) {
      assertEquals(42 + i, batch.entries().get(i).index());
      assertEquals(2, batch.entries().get(i).term());
      assertEquals(i + 1, batch.entries().get(i).entry().getId());
    }
    assertFalse(applier.hasMessages());
  }

  @Test
  void batchIsCappedAndTheRestFollows() {
    TestInbox<Committed> applier = TestInbox.create();
    BehaviorTestKit<LogCommand> log = BehaviorTestKit.create(SingleMemberLog.create(3, 0, applier.getRef(), 2, 1 << 20));
    for (int i = 1; i <= 3; i++) {
      log.run(propose(i));
    }
    assertEquals(List.of(1L, 2L), indexes(applier.receiveMessage()));
    log.runOne();
    assertEquals(List.of(3L), indexes(applier.receiveMessage()));
  }

  @Test
  void readIndexIsTheLastCommittedIndex() {
    TestInbox<Committed> applier = TestInbox.create();
    TestInbox<LogCommand.ReadIndexReply> reader = TestInbox.create();
    BehaviorTestKit<LogCommand> log = BehaviorTestKit.create(SingleMemberLog.create(2, 10, applier.getRef(), 10, 1 << 20));
    log.run(propose(1));
    log.run(new LogCommand.ReadIndex(reader.getRef()));
    assertEquals(new LogCommand.ReadIndexReply(11, 2), reader.receiveMessage());
    assertTrue(log.selfInbox().hasMessages());
  }

  @Test
  void termIsTwoWhenFreshAndOneMoreOnEachRestart() {
    assertEquals(2, TermPolicy.leaderTerm(0));
    assertEquals(3, TermPolicy.leaderTerm(2));
  }

  private static List<Long> indexes(Committed c) {
    return c.entries().stream().map(CommittedEntry::index).toList();
  }
}
