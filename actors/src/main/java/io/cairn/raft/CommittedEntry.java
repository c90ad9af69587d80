package io.cairn.raft;

import io.cairn.api.internal.LogEntry;

/**
 * A log entry once committed: its Raft index and the term it was appended in. confChange: it was appended as a
 * CONF_CHANGE entry; a conf_change payload in a NORMAL entry is one the leader refused (another was pending).
 */
public record CommittedEntry(long index, long term, LogEntry entry, boolean confChange) {
  public CommittedEntry(long index, long term, LogEntry entry) {
    this(index, term, entry, false);
  }
}
