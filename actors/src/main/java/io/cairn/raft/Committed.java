package io.cairn.raft;

import java.util.List;

/**
 * What consensus hands the applier: committed entries with consecutive indexes, in log order (etcd's
 * raft.Ready.CommittedEntries). The applier applies them as one store write batch.
 */
public record Committed(List<CommittedEntry> entries) {
  public Committed {
    entries = List.copyOf(entries);
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("empty batch");
    }
  }

  public long firstIndex() {
    return entries.get(0).index();
  }

  public long lastIndex() {
    return entries.get(entries.size() - 1).index();
  }

  public long lastTerm() {
    return entries.get(entries.size() - 1).term();
  }
}
