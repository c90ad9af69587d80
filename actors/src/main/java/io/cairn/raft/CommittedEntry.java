package io.cairn.raft;

import io.cairn.api.internal.LogEntry;

/** A log entry once committed: its Raft index and the term it was appended in. */
public record CommittedEntry(long index, long term, LogEntry entry) {}
