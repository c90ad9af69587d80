package io.cairn.member.watch;

import com.google.protobuf.ByteString;
import io.cairn.api.mvccpb.KeyValue;
import io.cairn.persistence.mvcc.EventPage;
import io.cairn.persistence.mvcc.MvccException;
import java.util.Optional;

/**
 * What the watch machinery reads from the store: history for catching-up watchers and old values for
 * prev_kv. Behind an interface so the hub can be tested against an in-memory twin. Reads come from the
 * watch streams' threads, concurrently with the applier.
 */
public interface WatchHistory {

  /** The store's last committed revision. */
  long currentRevision();

  /** The last compacted revision, 0 if never compacted. */
  long compactedRevision();

  /**
   * Events with revision ≥ fromRevision on [key, rangeEnd) (rangeEnd empty: key only; "\0": from key),
   * whole revisions, at most maxEvents (exceeded only to keep a revision whole); COMPACTED when the revision is
   * compacted. See {@link io.cairn.persistence.mvcc.MvccStore#events}.
   */
  EventPage events(long fromRevision, ByteString key, ByteString rangeEnd, int maxEvents) throws MvccException;

  /** The key's value as of {@code revision}; empty if absent then or if that revision is compacted. */
  Optional<KeyValue> get(ByteString key, long revision);
}
