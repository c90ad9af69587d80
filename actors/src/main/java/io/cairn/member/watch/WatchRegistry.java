package io.cairn.member.watch;

import com.google.protobuf.ByteString;
import io.cairn.api.mvccpb.Event;
import io.cairn.persistence.mvcc.KeyRange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hub's shared state under one lock (etcd mvcc/watchable_store.go: s.mu, the synced group, s.rev()).
 * Synced watchers get published events straight into their stream's bounded inbox; one whose inbox is full
 * is unsynced and handed to its stream to catch up from history, rejoining here only once it has covered
 * the last published revision. Nothing under the lock waits for a consumer or reads the store's history.
 */
final class WatchRegistry {
  private final WatchHistory history;

  /** Synced single-key watchers by key, and synced range watchers (etcd: watcherGroup keyWatchers/ranges). */
  private final Map<ByteString, Set<Watcher>> syncedByKey = new HashMap<>();

  private final Set<Watcher> syncedRanges = new LinkedHashSet<>();

  /** The last revision published; -1 until the first publish or read (then the store's revision). */
  private long lastPublishedRevision = -1;

  WatchRegistry(WatchHistory history) {
    this.history = history;
  }

  /** The revision everything synced has been given up to (etcd: s.store.currentRev under s.mu). */
  synchronized long revision() {
    return rev();
  }

  /**
   * Registers a watcher (etcd watchableStore.watch): startRevision 0 or in the future → synced; in the past →
   * unsynced (the caller starts its catch-up). Returns the revision for the created response's header.
   */
  synchronized long register(Watcher w, long startRevision) {
    long rev = rev();
    if (startRevision == 0 || startRevision > rev) {
      w.nextRevision = startRevision == 0 ? rev + 1 : startRevision;
      addSynced(w);
    } else {
      w.nextRevision = Math.max(1, startRevision);
      w.synced = false;
    }
    return rev;
  }

  synchronized void remove(Watcher w) {
    w.cancelled = true;
    if (w.synced) {
      removeSynced(w);
    }
  }

  /**
   * The applier's batch (etcd watchableStore.notify). Offers never block: a full inbox unsyncs the watcher,
   * which then catches up from history starting at the first revision it has not been given.
   */
  synchronized void publish(List<Event> events, long revision) {
    long previous = rev();
    lastPublishedRevision = Math.max(previous, revision);
    if (events.isEmpty()) {
      return;
    }
    Map<Watcher, List<Event>> batches = new LinkedHashMap<>();
    for (Event e : events) {
      ByteString key = e.getKv().getKey();
      Set<Watcher> exact = syncedByKey.get(key);
      if (exact != null) {
        for (Watcher w : exact) {
          batches.computeIfAbsent(w, x -> new ArrayList<>()).add(e);
        }
      }
      for (Watcher w : syncedRanges) {
        if (w.range.contains(key)) {
          batches.computeIfAbsent(w, x -> new ArrayList<>()).add(e);
        }
      }
    }
    for (Map.Entry<Watcher, List<Event>> batch : batches.entrySet()) {
      Watcher w = batch.getKey();
      List<Event> selected = w.select(batch.getValue());
      if (selected.isEmpty()) {
        continue;
      }
      if (!w.stream.offer(w, selected, revision)) {
        // Everything up to `previous` was delivered while synced; catch-up resumes right after it.
        w.nextRevision = Math.max(w.nextRevision, previous + 1);
        removeSynced(w);
        w.stream.lag(w);
      }
    }
  }

  /**
   * The store was replaced by a snapshot at {@code revision} (Raft §7 on a follower): the revisions between the
   * last published one and it were never published here. Every synced watcher is unsynced and handed to its
   * stream, which catches it up from the new store starting at its next revision; one whose next revision is
   * now compacted is canceled with compact_revision, as etcd's syncWatchers does after applySnapshot.
   */
  synchronized void restored(long revision) {
    long previous = rev();
    lastPublishedRevision = Math.max(previous, revision);
    List<Watcher> synced = new ArrayList<>(syncedRanges);
    syncedByKey.values().forEach(synced::addAll);
    for (Watcher w : synced) {
      // A synced watcher was given everything up to `previous` (as in publish); it resumes right after it.
      w.nextRevision = Math.max(w.nextRevision, previous + 1);
      removeSynced(w);
      w.stream.lag(w);
    }
  }

  /**
   * A lagging watcher has been given everything below {@code nextRevision}; it rejoins the synced group if
   * that covers the last published revision (etcd syncWatchers: moved to synced once minRev > curRev).
   * False: it is still behind and keeps catching up. True also when it was cancelled meanwhile.
   */
  synchronized boolean resync(Watcher w, long nextRevision) {
    if (w.cancelled) {
      return true;
    }
    w.nextRevision = nextRevision;
    if (nextRevision > rev()) {
      addSynced(w);
      return true;
    }
    return false;
  }

  /**
   * etcd watchableStore.progress: a synced watcher hears the current revision through its own queue (so
   * after every event it was already given); a full queue means it is receiving events and needs none.
   */
  synchronized void progress(Watcher w) {
    if (w.synced && !w.cancelled) {
      w.stream.offer(w, List.of(), rev());
    }
  }

  /**
   * A stream's progress request: answered (watch_id -1, header = last published revision) only when all its
   * watchers are synced, behind every delivery already queued, so the revision promises nothing is missing
   * (etcd 3.5's RequestProgressAll; 3.4 answered at once, which could overtake lagging watchers' events).
   */
  synchronized boolean progressAll(StreamInbox stream, Collection<Watcher> watchers) {
    for (Watcher w : watchers) {
      if (!w.synced) {
        return false;
      }
    }
    return stream.offer(null, List.of(), rev());
  }

  private long rev() {
    if (lastPublishedRevision < 0) {
      lastPublishedRevision = history.currentRevision();
    }
    return lastPublishedRevision;
  }

  private void addSynced(Watcher w) {
    w.synced = true;
    if (w.range.kind() == KeyRange.Kind.SINGLE) {
      syncedByKey.computeIfAbsent(w.range.key(), k -> new LinkedHashSet<>()).add(w);
    } else {
      syncedRanges.add(w);
    }
  }

  private void removeSynced(Watcher w) {
    w.synced = false;
    if (w.range.kind() == KeyRange.Kind.SINGLE) {
      Set<Watcher> set = syncedByKey.get(w.range.key());
      if (set != null) {
        set.remove(w);
        if (set.isEmpty()) {
          syncedByKey.remove(w.range.key());
        }
      }
    } else {
      syncedRanges.remove(w);
    }
  }
}
