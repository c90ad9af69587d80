package io.cairn.raft.node;

import java.util.HashMap;
import java.util.Map;

/** The (pre-)votes of one campaign: one answer per voter counts (duplicates are ignored). */
final class VoteTally {

  enum Result {
    PENDING,
    WON,
    LOST
  }

  private final int voterCount;
  private final int quorum;
  private final Map<Long, Boolean> answers = new HashMap<>();

  VoteTally(int voterCount) {
    this.voterCount = voterCount;
    this.quorum = voterCount / 2 + 1;
  }

  Result record(long voterId, boolean granted) {
    answers.putIfAbsent(voterId, granted);
    long grants = answers.values().stream().filter(g -> g).count();
    long rejects = answers.size() - grants;
    if (grants >= quorum) {
      return Result.WON;
    }
    if (rejects > voterCount - quorum) {
      return Result.LOST;
    }
    return Result.PENDING;
  }
}
