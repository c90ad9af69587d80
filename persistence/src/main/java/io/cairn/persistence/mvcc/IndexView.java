package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;

/**
 * A point-in-time view of the key index: the committed one for readers, or the committed one overlaid
 * with an {@link ApplyBatch}'s uncommitted changes for the apply thread.
 */
interface IndexView {
  /** The newest revision of this view. */
  long currentRevision();

  /** The compaction revision; -1 when never compacted. Reads below it fail with COMPACTED. */
  long compactRevision();

  /** Visits the keys of {@code range} alive at {@code atRev} in key order until the visitor says stop. */
  void forEachLive(KeyRange range, long atRev, LiveVisitor visitor);

  @FunctionalInterface
  interface LiveVisitor {
    /** Returns false to stop. */
    boolean visit(ByteString key, KeyState state);
  }
}
