package io.cairn.launcher.grpcproxy;

import akka.grpc.javadsl.Metadata;
import io.cairn.api.etcdserverpb.WatchResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every member watcher on one range with one forwarded metadata (etcd's watchBroadcasts,
 * proxy/grpcproxy/watch_broadcasts.go): a client watcher joins the first that takes it ({@link WatchBroadcast#add})
 * or opens a new one; after each response a broadcast with fewer than {@link #MAX_COALESCE_RECEIVERS} receivers is
 * merged into an established one that is not ahead of it (etcd's coalesce, which is how current watchers, each
 * opened on its own member watcher to learn its created revision, end up sharing one). The last receiver leaving
 * stops a member watcher.
 *
 * <p>One monitor guards all of it: client streams add and remove, member streams deliver. Nothing here blocks or
 * takes another lock: receivers are offered responses, and what needs the client stream's lock (forgetting watchers
 * the member ended) runs after the monitor is released.
 */
final class WatchBroadcasts {
  /** etcd's maxCoalesceReceivers: a popular broadcast is not moved. */
  static final int MAX_COALESCE_RECEIVERS = 5;

  private final WatchRanges ranges;
  private final WatchRanges.Key range;
  private final Set<WatchBroadcast> broadcasts = new LinkedHashSet<>();
  private final Map<ClientWatcher, WatchBroadcast> watchers = new HashMap<>();

  WatchBroadcasts(WatchRanges ranges, WatchRanges.Key range) {
    this.ranges = ranges;
    this.range = range;
  }

  synchronized void add(ClientWatcher w, Metadata md) {
    for (WatchBroadcast wb : broadcasts) {
      if (wb.add(w)) {
        watchers.put(w, wb);
        ranges.clientWatchers(1);
        return;
      }
    }
    WatchBroadcast wb = new WatchBroadcast(w.nextRevision);
    wb.receivers.add(w);
    watchers.put(w, wb);
    broadcasts.add(wb);
    ranges.clientWatchers(1);
    ranges.serverWatchers(1);
    wb.open(ranges.member, range, md, r -> received(wb, r), failure -> ended(wb, failure), ranges.mat);
  }

  /** Removes a client watcher; false if it was not here (its member watcher has ended). */
  synchronized boolean delete(ClientWatcher w) {
    WatchBroadcast wb = watchers.remove(w);
    if (wb == null) {
      return false;
    }
    wb.receivers.remove(w);
    ranges.clientWatchers(-1);
    if (wb.receivers.isEmpty()) {
      stop(wb);
    }
    return true;
  }

  synchronized boolean isEmpty() {
    return broadcasts.isEmpty();
  }

  private void received(WatchBroadcast wb, WatchResponse r) {
    List<ClientWatcher> gone = List.of();
    synchronized (this) {
      if (wb.ended) {
        return;
      }
      wb.broadcast(r);
      if (r.getCanceled()) {
        // compacted or cancelled by the member: each receiver has had the response; the watcher is over
        gone = endAll(wb);
      } else {
        coalesce(wb);
      }
    }
    forget(gone);
  }

  /** The member stream ended without a cancel: its receivers' client streams end as forwarding would have. */
  private void ended(WatchBroadcast wb, Throwable failure) {
    List<ClientWatcher> gone;
    synchronized (this) {
      if (wb.ended) {
        return; // stopped here
      }
      gone = endAll(wb);
    }
    for (ClientWatcher w : gone) {
      w.stream.memberEnded(failure);
    }
    forget(gone);
  }

  /** etcd's coalesce: move every receiver of wb into an established broadcast that is not ahead of it. */
  private void coalesce(WatchBroadcast wb) {
    if (wb.receivers.size() >= MAX_COALESCE_RECEIVERS) {
      return;
    }
    for (WatchBroadcast into : broadcasts) {
      if (into == wb || into.responses == 0 || wb.nextRevision < into.nextRevision) {
        continue;
      }
      for (ClientWatcher w : wb.receivers) {
        into.receivers.add(w);
        watchers.put(w, into);
      }
      wb.receivers.clear();
      stop(wb);
      return;
    }
  }

  private List<ClientWatcher> endAll(WatchBroadcast wb) {
    List<ClientWatcher> gone = new ArrayList<>(wb.receivers);
    for (ClientWatcher w : gone) {
      watchers.remove(w);
    }
    ranges.clientWatchers(-gone.size());
    wb.receivers.clear();
    stop(wb);
    return gone;
  }

  private void stop(WatchBroadcast wb) {
    broadcasts.remove(wb);
    // counted out before the member stream is shut, so whoever sees that stream end sees the count without it
    ranges.serverWatchers(-1);
    wb.stop();
  }

  /** Outside the monitor: the client streams forget the watchers, and an empty group leaves the ranges. */
  private void forget(List<ClientWatcher> gone) {
    for (ClientWatcher w : gone) {
      w.stream.forget(w);
    }
    if (!gone.isEmpty()) {
      ranges.dropIfEmpty(range);
    }
  }
}
