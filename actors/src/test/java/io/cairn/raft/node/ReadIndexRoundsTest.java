package io.cairn.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReadIndexRoundsTest {

  @Test
  void oneRoundServesEveryRequestQueuedBeforeIt() {
    ReadIndexRounds rounds = new ReadIndexRounds(100);
    for (int i = 0; i < 10; i++) {
      assertTrue(rounds.enqueue(new ReadIndexRounds.Remote(2, i)));
    }
    long context = rounds.startRound(7, 1);
    assertTrue(rounds.confirmed(2).isEmpty(), "the leader alone is no quorum of 3");
    List<ReadIndexRounds.Confirmed> confirmed = rounds.acknowledge(3, context, 2);
    assertEquals(1, confirmed.size());
    assertEquals(7, confirmed.get(0).readIndex());
    assertEquals(10, confirmed.get(0).requesters().size());
  }

  @Test
  void aLaterRoundsQuorumConfirmsEarlierRounds() {
    ReadIndexRounds rounds = new ReadIndexRounds(100);
    rounds.enqueue(new ReadIndexRounds.Remote(2, 1));
    rounds.startRound(5, 1);
    rounds.enqueue(new ReadIndexRounds.Remote(2, 2));
    long second = rounds.startRound(6, 1);
    List<ReadIndexRounds.Confirmed> confirmed = rounds.acknowledge(3, second, 2);
    assertEquals(List.of(5L, 6L), confirmed.stream().map(ReadIndexRounds.Confirmed::readIndex).toList());
    assertEquals(0, rounds.latestContext());
  }

  @Test
  void boundedAndClearedOnStepDown() {
    ReadIndexRounds rounds = new ReadIndexRounds(2);
    assertTrue(rounds.enqueue(new ReadIndexRounds.Remote(2, 1)));
    assertTrue(rounds.enqueue(new ReadIndexRounds.Remote(2, 2)));
    assertFalse(rounds.enqueue(new ReadIndexRounds.Remote(2, 3)));
    rounds.clear();
    assertFalse(rounds.hasWaiting());
    assertTrue(rounds.enqueue(new ReadIndexRounds.Remote(2, 3)));
  }
}
