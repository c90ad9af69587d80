package io.cairn.raft.log;

import io.cairn.api.raft.Entry;
import io.cairn.api.raft.HardState;
import io.cairn.api.raft.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory log of one member: the entries after the snapshot point (entry i at list position
 * i - snapshotIndex - 1), the snapshot point and the hard state. Not thread-safe: owned by one thread at a
 * time (the journal actor while recovering, then the Raft node actor). Mutations check structure only; the
 * Raft-level rules live in {@link PersistentRaftLog} (live calls) and {@link LogReplay} (recovery).
 */
final class LogView {

  private SnapshotMeta snapshotMeta = SnapshotMeta.getDefaultInstance();
  private HardState hardState = HardState.getDefaultInstance();
  private final ArrayList<Entry> entries = new ArrayList<>();

  HardState hardState() {
    return hardState;
  }

  SnapshotMeta snapshotMeta() {
    return snapshotMeta;
  }

  long snapshotIndex() {
    return snapshotMeta.getIndex();
  }

  long firstIndex() {
    return snapshotIndex() + 1;
  }

  long lastIndex() {
    return snapshotIndex() + entries.size();
  }

  boolean hasEntries() {
    return !entries.isEmpty();
  }

  long term(long index) {
    if (index == snapshotIndex()) {
      return snapshotMeta.getTerm();
    }
    if (index < snapshotIndex() || index > lastIndex()) {
      throw new IndexOutOfBoundsException(
          "index " + index + " outside [" + snapshotIndex() + ", " + lastIndex() + "]");
    }
    return entries.get(position(index)).getTerm();
  }

  /** Etcd's limitSize: the first entry always, then more while the running data size stays within maxBytes. */
  List<Entry> entries(long fromIndex, long toIndexExclusive, long maxBytes) {
    if (fromIndex > toIndexExclusive) {
      throw new IllegalArgumentException("fromIndex " + fromIndex + " > toIndexExclusive " + toIndexExclusive);
    }
    if (fromIndex < firstIndex()) {
      throw new IndexOutOfBoundsException("index " + fromIndex + " is compacted (first index " + firstIndex() + ")");
    }
    if (toIndexExclusive > lastIndex() + 1) {
      throw new IndexOutOfBoundsException(
          "range end " + toIndexExclusive + " beyond last index " + lastIndex() + " + 1");
    }
    List<Entry> result = new ArrayList<>();
    long dataBytes = 0;
    for (long index = fromIndex; index < toIndexExclusive; index++) {
      Entry entry = entries.get(position(index));
      dataBytes += entry.getData().size();
      if (!result.isEmpty() && dataBytes > maxBytes) {
        break;
      }
      result.add(entry);
    }
    return List.copyOf(result);
  }

  void setHardState(HardState newHardState) {
    hardState = newHardState;
  }

  /** Drops entries with index >= fromIndex (a no-op beyond lastIndex). */
  void truncateFrom(long fromIndex) {
    if (fromIndex <= snapshotIndex()) {
      throw new IllegalArgumentException(
          "cannot truncate from " + fromIndex + ": at or below snapshot index " + snapshotIndex());
    }
    if (fromIndex <= lastIndex()) {
      entries.subList(position(fromIndex), entries.size()).clear();
    }
  }

  /** Appends entries whose indexes run on from lastIndex + 1 without gaps. */
  void appendContiguous(List<Entry> newEntries) {
    long expected = lastIndex() + 1;
    for (Entry entry : newEntries) {
      if (entry.getIndex() != expected) {
        throw new IllegalArgumentException("entry index " + entry.getIndex() + ", expected " + expected);
      }
      expected++;
    }
    entries.addAll(newEntries);
  }

  /** Forgets entries up to meta.index (which must be in the log) and makes meta the snapshot point. */
  void compactTo(SnapshotMeta meta) {
    if (meta.getIndex() < snapshotIndex() || meta.getIndex() > lastIndex()) {
      throw new IllegalArgumentException(
          "compaction index " + meta.getIndex() + " outside [" + snapshotIndex() + ", " + lastIndex() + "]");
    }
    entries.subList(0, position(meta.getIndex() + 1)).clear();
    snapshotMeta = meta;
  }

  /** Forgets every entry: the log becomes empty at meta. */
  void resetTo(SnapshotMeta meta) {
    entries.clear();
    snapshotMeta = meta;
  }

  private int position(long index) {
    return Math.toIntExact(index - snapshotIndex() - 1);
  }
}
