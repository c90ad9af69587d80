package io.cairn.launcher.grpcproxy;

import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.etcdserverpb.WatchCreateRequest;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.api.mvccpb.Event;
import io.cairn.member.watch.WatchAdmission;

/**
 * One client's watcher (etcd's c-watcher, proxy/grpcproxy/watcher.go): the options its client asked for, applied
 * here to each response of the shared member watcher (s-watcher) it receives, under the id its client knows.
 * The member watcher is opened with prev_kv and progress_notify, so both are taken away again for a client that did
 * not ask for them, and NOPUT/NODELETE are applied here.
 *
 * <p>{@link #nextRevision} and {@link #lastHeader} are guarded by the monitor of the {@link WatchBroadcasts} that
 * holds this watcher.
 */
final class ClientWatcher {
  final WatchProxyStream stream;
  final long id;
  final WatchRanges.Key range;
  private final boolean prevKv;
  private final boolean progressNotify;
  private final boolean noPut;
  private final boolean noDelete;
  /** etcd's nextrev: the least revision of an event still to send; 0 for a current watcher before its creation. */
  long nextRevision;
  /** The header of the last response sent, which etcd's proxy puts in the answer to a cancel. */
  ResponseHeader lastHeader = ResponseHeader.getDefaultInstance();

  ClientWatcher(WatchProxyStream stream, long id, WatchRanges.Key range, WatchCreateRequest create) {
    this.stream = stream;
    this.id = id;
    this.range = range;
    this.prevKv = create.getPrevKv();
    this.progressNotify = create.getProgressNotify();
    this.noPut = create.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
    this.noDelete = create.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
    this.nextRevision = create.getStartRevision();
  }

  /** clientv3's WatchResponse.IsProgressNotify: no events and nothing else to say but the revision. */
  static boolean isProgressNotify(WatchResponse r) {
    return r.getEventsCount() == 0 && !r.getCanceled() && !r.getCreated() && r.getCompactRevision() == 0
        && r.getHeader().getRevision() != 0;
  }

  /**
   * etcd's watcher.send: events this watcher has already had (a revision below its next one) are dropped, as are
   * those its filters refuse; prev_kv is removed unless asked for; a response left with nothing to say is not sent.
   * Unlike etcd's, a cancel from the member also reaches the client with its reason.
   */
  void send(WatchResponse r) {
    boolean progress = isProgressNotify(r);
    if (progress && !progressNotify) {
      return;
    }
    long headerRevision = r.getHeader().getRevision();
    if (nextRevision > headerRevision && r.getEventsCount() > 0) {
      return;
    }
    if (nextRevision == 0) {
      nextRevision = headerRevision + 1; // a current watcher expects what follows its creation
    }
    WatchResponse.Builder out = WatchResponse.newBuilder();
    long lastRevision = 0;
    for (Event e : r.getEventsList()) {
      long revision = e.getKv().getModRevision();
      if (revision < nextRevision) {
        continue;
      }
      // not nextRevision yet: a txn's events share one revision and may come in more than one response
      lastRevision = revision;
      if (refuses(e)) {
        continue;
      }
      out.addEvents(prevKv || !e.hasPrevKv() ? e : e.toBuilder().clearPrevKv().build());
    }
    if (lastRevision >= nextRevision) {
      nextRevision = lastRevision + 1;
    }
    if (!progress && !r.getCreated() && !r.getCanceled() && out.getEventsCount() == 0
        && r.getCompactRevision() == 0) {
      return; // every event filtered out
    }
    lastHeader = r.getHeader();
    boolean refused = r.getCreated() && r.getCanceled() && r.getWatchId() == WatchAdmission.NO_WATCH_ID;
    stream.post(out.setHeader(r.getHeader())
        .setWatchId(refused ? WatchAdmission.NO_WATCH_ID : id)
        .setCreated(r.getCreated())
        .setCanceled(r.getCanceled())
        .setCancelReason(r.getCancelReason())
        .setCompactRevision(r.getCompactRevision())
        .build());
  }

  /**
   * etcd's emulated create event for a watcher joining a member watcher that is already running; the header is
   * that member watcher's last one (etcd's leaves cluster, member and term unset and puts the start revision).
   */
  void created(ResponseHeader header) {
    lastHeader = header;
    stream.post(WatchResponse.newBuilder().setHeader(header).setWatchId(id).setCreated(true).build());
  }

  private boolean refuses(Event e) {
    return switch (e.getType()) {
      case PUT -> noPut;
      case DELETE -> noDelete;
      default -> false;
    };
  }
}
