package io.cairn.raft.log;

import static io.cairn.raft.log.LogFixtures.entries;
import static io.cairn.raft.log.LogFixtures.hardState;
import static io.cairn.raft.log.LogFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.raft.LogEvent;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The journal protocol without actors: calls go through {@link LogChanges} into a journal model that
 * deletes prefixes as {@link DeletablePrefix} plans (as JournalActor does); after every call, replaying the
 * surviving events must rebuild exactly the live view.
 */
@Timeout(60)
class LogJournalModelTest {

  /** One member's live view and its journal, as a sorted map from sequence number to event. */
  private static final class JournalModel {
    final TreeMap<Long, LogEvent> journal = new TreeMap<>();
    final DeletablePrefix deletable = new DeletablePrefix();
    final LogView live = new LogView();
    final LogChanges changes = new LogChanges(live);
    long sequenceNr;
    long deletedUpTo;

    void write(List<LogEvent> events) {
      if (events.isEmpty()) {
        return;
      }
      long deleteUpTo = deletable.plannedDeletion(events);
      for (LogEvent event : events) {
        journal.put(++sequenceNr, event);
        deletable.track(sequenceNr, event);
      }
      if (deleteUpTo > deletedUpTo) {
        journal.headMap(deleteUpTo, true).clear();
        deletable.forgetUpTo(deleteUpTo);
        deletedUpTo = deleteUpTo;
      }
    }

    void assertReplayMatchesLive(String where) {
      LogReplay replay = new LogReplay();
      journal.values().forEach(replay::apply);
      LogView recovered = replay.finish();
      assertEquals(live.snapshotMeta(), recovered.snapshotMeta(), where);
      assertEquals(live.hardState(), recovered.hardState(), where);
      assertEquals(live.lastIndex(), recovered.lastIndex(), where);
      assertEquals(
          live.entries(live.firstIndex(), live.lastIndex() + 1, Long.MAX_VALUE),
          recovered.entries(recovered.firstIndex(), recovered.lastIndex() + 1, Long.MAX_VALUE),
          where);
    }
  }

  @Test
  void replayOfTheSurvivingJournalRebuildsTheLiveLog() {
    for (long seed = 1; seed <= 40; seed++) {
      runRandomCalls(new Random(seed), "seed " + seed);
    }
  }

  @Test
  void compactingToTheLastIndexLeavesOnlyTheMarkerAndHardState() {
    JournalModel model = new JournalModel();
    model.write(model.changes.append(entries(1, 3, 1)));
    model.write(model.changes.saveHardState(hardState(1, 1)));
    model.write(model.changes.append(entries(3, 6, 2)));
    model.write(model.changes.append(entries(7, 9, 2)));

    model.write(model.changes.compact(snapshot(9, 2)));

    assertEquals(2, model.journal.size());
    model.assertReplayMatchesLive("compact to last");
  }

  @Test
  void aCompactionKeepsTheAppendThatStraddlesIt() {
    JournalModel model = new JournalModel();
    model.write(model.changes.append(entries(1, 4, 1)));
    model.write(model.changes.append(entries(5, 8, 1)));

    model.write(model.changes.compact(snapshot(6, 1)));

    assertEquals(List.of(2L, 3L, 4L), List.copyOf(model.journal.keySet()));
    model.assertReplayMatchesLive("straddling append");
  }

  private static void runRandomCalls(Random random, String scenario) {
    JournalModel model = new JournalModel();
    LogView view = model.live;
    long term = 1;
    int maxJournalSize = 0;
    for (int step = 0; step < 400; step++) {
      int choice = random.nextInt(20);
      if (choice < 12) {
        long lowestStart = Math.max(view.snapshotIndex() + 1, view.lastIndex() - 3);
        long first = lowestStart + random.nextInt((int) (view.lastIndex() + 2 - lowestStart));
        if (first <= view.lastIndex()) {
          term++; // a conflicting suffix comes from a newer leader
        }
        model.write(model.changes.append(entries(first, first + random.nextInt(4), term)));
      } else if (choice < 15) {
        model.write(model.changes.saveHardState(hardState(term, random.nextInt(5))));
      } else if (choice < 19) {
        long upTo = view.snapshotIndex() + random.nextInt((int) (view.lastIndex() - view.snapshotIndex() + 1));
        model.write(model.changes.compact(snapshot(upTo, view.term(upTo))));
      } else {
        model.write(model.changes.resetToSnapshot(snapshot(view.lastIndex() + random.nextInt(5), term)));
      }
      model.assertReplayMatchesLive(scenario + " step " + step);
      maxJournalSize = Math.max(maxJournalSize, model.journal.size());
    }
    // Compactions keep the journal short (400 calls were made).
    assertTrue(maxJournalSize < 100, scenario + ": journal grew to " + maxJournalSize);
  }
}
