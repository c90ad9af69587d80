package io.cairn.raft.log;

import static io.cairn.raft.log.LogFixtures.entries;
import static io.cairn.raft.log.LogFixtures.hardState;
import static io.cairn.raft.log.LogFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.api.raft.LogEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogReplayTest {

  private static LogView replay(LogEvent... events) {
    LogReplay replay = new LogReplay();
    for (LogEvent event : events) {
      replay.apply(event);
    }
    return replay.finish();
  }

  @Test
  void truncationOverridesEarlierAppends() {
    LogView view =
        replay(
            LogEvents.appended(entries(1, 5, 1)),
            LogEvents.truncated(3),
            LogEvents.appended(entries(3, 4, 2)));

    assertEquals(4, view.lastIndex());
    assertEquals(1, view.term(2));
    assertEquals(2, view.term(3));
    assertEquals(entries(3, 4, 2), view.entries(3, 5, Long.MAX_VALUE));
  }

  @Test
  void aSnapshotPointFollowedByLaterEntries() {
    LogView view =
        replay(
            LogEvents.appended(entries(1, 5, 1)),
            LogEvents.compacted(snapshot(3, 1)),
            LogEvents.appended(entries(6, 7, 2)),
            LogEvents.hardState(hardState(2, 9)));

    assertEquals(4, view.firstIndex());
    assertEquals(7, view.lastIndex());
    assertEquals(1, view.term(3));
    assertEquals(hardState(2, 9), view.hardState());
    assertThrows(IndexOutOfBoundsException.class, () -> view.term(2));
  }

  @Test
  void aDeletedPrefixIsBridgedByTheLaterCompactionMarker() {
    // Events 1.. deleted; the first survivor appends 5..8, then the marker compacts to 6.
    LogView view =
        replay(
            LogEvents.appended(entries(5, 8, 2)),
            LogEvents.compacted(snapshot(6, 2)),
            LogEvents.hardState(hardState(2, 1)));

    assertEquals(snapshot(6, 2), view.snapshotMeta());
    assertEquals(entries(7, 8, 2), view.entries(7, 9, Long.MAX_VALUE));
  }

  @Test
  void aCompactionMarkerBeyondTheSurvivingEntriesEmptiesTheLog() {
    LogView view = replay(LogEvents.hardState(hardState(3, 0)), LogEvents.compacted(snapshot(10, 3)));

    assertEquals(11, view.firstIndex());
    assertEquals(10, view.lastIndex());
    assertEquals(3, view.term(10));
  }

  @Test
  void resetDropsEverythingBefore() {
    LogView view =
        replay(
            LogEvents.appended(entries(1, 5, 1)),
            LogEvents.resetToSnapshot(snapshot(20, 4)),
            LogEvents.appended(entries(21, 21, 4)));

    assertEquals(21, view.firstIndex());
    assertEquals(21, view.lastIndex());
    assertEquals(4, view.term(20));
  }

  @Test
  void entriesWithoutTheirPredecessorsOrAMarkerAreAFailedRecovery() {
    LogReplay replay = new LogReplay();
    replay.apply(LogEvents.appended(entries(5, 8, 2)));

    assertThrows(IllegalStateException.class, replay::finish);
  }

  @Test
  void aGapAfterEntriesIsAFailedRecovery() {
    LogReplay replay = new LogReplay();
    replay.apply(LogEvents.appended(entries(1, 2, 1)));

    assertThrows(IllegalStateException.class, () -> replay.apply(LogEvents.appended(List.of(LogFixtures.entry(4, 1)))));
  }
}
