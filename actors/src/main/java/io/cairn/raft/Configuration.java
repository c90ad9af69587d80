package io.cairn.raft;

import java.util.Set;

/**
 * The Raft configuration in effect: who votes and who only replicates (etcd's raftpb.ConfState). Changes one
 * member at a time through CONF_CHANGE entries and takes effect when the member applies the entry, as etcd's
 * ApplyConfChange (Raft thesis §4.1: single-server changes, one at a time).
 */
public record Configuration(Set<Long> voters, Set<Long> learners) {
  public Configuration {
    voters = Set.copyOf(voters);
    learners = Set.copyOf(learners);
    if (voters.stream().anyMatch(learners::contains)) {
      throw new IllegalArgumentException("a member cannot be both voter and learner");
    }
  }

  public boolean contains(long id) {
    return voters.contains(id) || learners.contains(id);
  }

  /** Votes needed for a majority of the voters (Raft §5.2). */
  public int quorum() {
    return voters.size() / 2 + 1;
  }
}
