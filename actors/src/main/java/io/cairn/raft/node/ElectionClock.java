package io.cairn.raft.node;

import java.util.Random;

/**
 * Counts ticks since the last election-relevant event (etcd's electionElapsed) against a randomized timeout
 * in [electionTicks, 2 × electionTicks) (Raft §5.2: randomization makes split votes rare). The Random is
 * injected so tests are deterministic.
 */
final class ElectionClock {

  private final int electionTicks;
  private final Random random;
  private int elapsedTicks;
  private int randomizedTimeoutTicks;

  ElectionClock(int electionTicks, Random random) {
    this.electionTicks = electionTicks;
    this.random = random;
    reset();
  }

  /** Restarts the count with a fresh randomized timeout. */
  void reset() {
    elapsedTicks = 0;
    randomizedTimeoutTicks = electionTicks + random.nextInt(electionTicks);
  }

  void tick() {
    elapsedTicks++;
  }

  /** The randomized election timeout has passed. */
  boolean timedOut() {
    return elapsedTicks >= randomizedTimeoutTicks;
  }

  /** A full (non-randomized) election timeout has passed: check-quorum period, leader lease. */
  boolean electionTimeoutPassed() {
    return elapsedTicks >= electionTicks;
  }

  int elapsedTicks() {
    return elapsedTicks;
  }
}
