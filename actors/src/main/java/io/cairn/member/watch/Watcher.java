package io.cairn.member.watch;

import com.google.protobuf.ByteString;
import io.cairn.api.mvccpb.Event;
import io.cairn.persistence.mvcc.KeyRange;
import java.util.ArrayList;
import java.util.List;

/**
 * One watcher (etcd mvcc/watcher.go's watcher plus the per-id flags serverWatchStream keeps).
 *
 * <p>Ownership of the mutable fields: while {@code synced}, the {@link WatchRegistry} (under its lock)
 * advances it; once it falls behind it is handed to its stream (through {@link StreamInbox#lag}), which alone
 * moves {@code nextRevision} until {@link WatchRegistry#resync} hands it back under the lock.
 */
final class Watcher {
  final long id;
  final KeyRange range;
  final boolean noPut;
  final boolean noDelete;
  final boolean prevKv;
  final boolean fragment;
  final boolean progressNotify;
  final StreamInbox stream;

  /** The first revision this watcher has not been given yet (etcd: minRev). */
  long nextRevision;

  boolean synced;

  /** Catch-up may start only once the stream has drained deliveries up to this sequence number. */
  long catchUpAfterSeq;

  volatile boolean cancelled;

  /** Stream-thread only: no events sent since the last progress tick (etcd: sws.progress[id]). */
  boolean progressIdle = true;

  Watcher(
      long id,
      KeyRange range,
      boolean noPut,
      boolean noDelete,
      boolean prevKv,
      boolean fragment,
      boolean progressNotify,
      StreamInbox stream) {
    this.id = id;
    this.range = range;
    this.noPut = noPut;
    this.noDelete = noDelete;
    this.prevKv = prevKv;
    this.fragment = fragment;
    this.progressNotify = progressNotify;
    this.stream = stream;
  }

  /**
   * The range a create request watches: etcd's recvLoop (etcdserver/api/v3rpc/watch.go) turns an empty key into
   * "\0", the smallest key.
   */
  static KeyRange watchedRange(ByteString key, ByteString rangeEnd) {
    return KeyRange.of(key.isEmpty() ? KeyRange.NUL : key, rangeEnd);
  }

  /** etcd's filters (v3rpc FiltersFromRequest): NOPUT drops puts, NODELETE drops deletes. */
  boolean passesFilters(Event e) {
    return switch (e.getType()) {
      case PUT -> !noPut;
      case DELETE -> !noDelete;
      default -> true;
    };
  }

  /** The events of {@code events} this watcher wants: in range, not yet given, not filtered out. */
  List<Event> select(List<Event> events) {
    List<Event> selected = null;
    for (Event e : events) {
      if (e.getKv().getModRevision() >= nextRevision && range.contains(e.getKv().getKey()) && passesFilters(e)) {
        if (selected == null) {
          selected = new ArrayList<>();
        }
        selected.add(e);
      }
    }
    return selected == null ? List.of() : selected;
  }
}
