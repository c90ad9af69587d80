package io.cairn.raft.node;

/** The roles of etcd's raft (PreCandidate: thesis §9.6 pre-vote). */
public enum RaftRole {
  FOLLOWER,
  PRE_CANDIDATE,
  CANDIDATE,
  LEADER,
  LEARNER
}
