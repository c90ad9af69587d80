package io.cairn.raft.node;

/** What the member needs to know of consensus. leaderId 0: no leader known. */
public record RaftNodeStatus(long memberId, long leaderId, long term, long commitIndex, RaftRole role) {

  public boolean isLeader() {
    return role == RaftRole.LEADER;
  }
}
