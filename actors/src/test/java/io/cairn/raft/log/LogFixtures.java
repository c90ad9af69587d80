package io.cairn.raft.log;

import com.google.protobuf.ByteString;
import io.cairn.api.raft.Entry;
import io.cairn.api.raft.HardState;
import io.cairn.api.raft.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Entries and bounded awaits shared by the raft log tests. */
final class LogFixtures {

  static final long AWAIT_SECONDS = 10;

  private LogFixtures() {}

  static Entry entry(long index, long term) {
    return Entry.newBuilder()
        .setIndex(index)
        .setTerm(term)
        .setData(ByteString.copyFromUtf8("entry-" + index + "-term-" + term))
        .build();
  }

  /** Entries [fromIndex, toIndexInclusive] at one term. */
  static List<Entry> entries(long fromIndex, long toIndexInclusive, long term) {
    List<Entry> result = new ArrayList<>();
    for (long index = fromIndex; index <= toIndexInclusive; index++) {
      result.add(entry(index, term));
    }
    return result;
  }

  static HardState hardState(long term, long vote) {
    return HardState.newBuilder().setTerm(term).setVote(vote).build();
  }

  static SnapshotMeta snapshot(long index, long term) {
    return SnapshotMeta.newBuilder().setIndex(index).setTerm(term).build();
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
  }
}
