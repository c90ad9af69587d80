package io.cairn.raft;

/**
 * The term a single member leads at. etcd 3.4 started fresh reports raft_term 2 (it campaigns at term 1
 * after its bootstrap configuration entries and wins term 2), and every restart is one more election
 * (restarted at term 2, it is leader at 3). Cairn mimics that: 2 on a fresh member, the last applied term
 * plus one on a restart.
 */
public final class TermPolicy {
  public static final long FRESH_TERM = 2;

  private TermPolicy() {}

  /** @param lastAppliedTerm the term of the last applied entry, 0 if none */
  public static long leaderTerm(long lastAppliedTerm) {
    return lastAppliedTerm <= 0 ? FRESH_TERM : lastAppliedTerm + 1;
  }
}
