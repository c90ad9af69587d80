package io.cairn.raft.node;

import java.util.Arrays;
import java.util.Collection;
import java.util.function.ToLongFunction;

/** Majority arithmetic over the voters (Raft §5.2, §5.4.2). */
final class Quorum {

  private Quorum() {}

  /**
   * The largest index a majority of voters has reached: sort the voters' match indexes in descending order
   * and take the one at position quorum-1.
   */
  static <T> long committedIndex(Collection<T> voters, ToLongFunction<T> matchIndex) {
    long[] matches = voters.stream().mapToLong(matchIndex).toArray();
    Arrays.sort(matches);
    int quorum = matches.length / 2 + 1;
    return matches[matches.length - quorum];
  }
}
