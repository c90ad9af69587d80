package io.cairn.launcher.grpcproxy;

import akka.Done;
import akka.NotUsed;
import akka.japi.Pair;
import akka.stream.KillSwitches;
import akka.stream.Materializer;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.etcdserverpb.WatchCreateRequest;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.api.mvccpb.Event;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * One member watcher (etcd's s-watcher, proxy/grpcproxy/watch_broadcast.go) and the client watchers it serves. It
 * is one member Watch stream holding one watcher, opened with prev_kv and progress_notify (a member always sends
 * the created response) from the first client watcher's start revision and with its forwarded metadata; every
 * response goes to every receiver ({@link ClientWatcher#send}), which takes what it needs.
 *
 * <p>State is guarded by the monitor of the owning {@link WatchBroadcasts}; responses arrive on the member stream's
 * own thread and are handed to the owner, one at a time. Receivers are offered responses without waiting, so a
 * receiver that does not read never holds up the member stream.
 */
final class WatchBroadcast {
  final Set<ClientWatcher> receivers = new LinkedHashSet<>();
  /**
   * etcd's nextrev: every event from this revision on is still to be broadcast and none before it is (0 while a
   * current watcher is being created). Unlike etcd's, an events response moves it only past its last event: a
   * member catching up sends a page of old events under the current header revision, and taking the header there
   * would let a watcher join (or be coalesced into) events it then never sees.
   */
  long nextRevision;
  /** Responses broadcast so far: none means the member's created response is still to come. */
  int responses;
  /** The last header from the member, for the created response of a watcher that joins later. */
  ResponseHeader lastHeader = ResponseHeader.getDefaultInstance();
  /** Set once the member watcher is over (stopped here, cancelled, or its stream ended). */
  boolean ended;
  private UniqueKillSwitch memberStream;

  WatchBroadcast(long startRevision) {
    this.nextRevision = startRevision;
  }

  /** Opens the member watcher; {@code onResponse} and {@code onEnd} run on the member stream's thread. */
  void open(WatchRanges.Member member, WatchRanges.Key range, akka.grpc.javadsl.Metadata md,
      java.util.function.Consumer<WatchResponse> onResponse, java.util.function.Consumer<Throwable> onEnd,
      Materializer mat) {
    WatchRequest create = WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
        .setKey(range.key())
        .setRangeEnd(range.rangeEnd())
        .setStartRevision(nextRevision)
        .setProgressNotify(true)
        .setPrevKv(true)).build();
    // the request side stays open: a half-close would end the member watch on some servers
    Source<WatchRequest, NotUsed> requests = Source.single(create).concat(Source.never());
    Pair<UniqueKillSwitch, CompletionStage<Done>> running = member.watch(requests, md)
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.foreach(onResponse::accept), Keep.both())
        .run(mat);
    memberStream = running.first();
    running.second().whenComplete((done, failure) -> onEnd.accept(failure));
  }

  /**
   * etcd's watchBroadcast.add: a watcher joins if it misses nothing (its next revision is not behind this one's)
   * and, while the member's created response is still to come, only if it is a current watcher too (one that asks
   * for a start revision cannot take a current watcher's created revision). One joining a running broadcast gets its
   * created response here.
   */
  boolean add(ClientWatcher w) {
    if (ended || nextRevision > w.nextRevision || (nextRevision == 0 && w.nextRevision != 0)) {
      return false;
    }
    if (responses > 0) {
      w.created(lastHeader);
    }
    receivers.add(w);
    return true;
  }

  /** etcd's bcast: moves the broadcast's revision on, then offers the response to every receiver. */
  void broadcast(WatchResponse r) {
    if (r.getEventsCount() > 0) {
      Event last = r.getEvents(r.getEventsCount() - 1);
      nextRevision = Math.max(nextRevision, last.getKv().getModRevision() + 1);
    } else if (responses > 0 || nextRevision == 0) {
      // a start revision stands until events come; otherwise a response without events has had them all
      nextRevision = Math.max(nextRevision, r.getHeader().getRevision() + 1);
    }
    responses++;
    if (r.hasHeader() && r.getHeader().getRevision() != 0) {
      lastHeader = r.getHeader();
    }
    for (ClientWatcher w : receivers) {
      w.send(r);
    }
  }

  /** Ends the member watcher (cancels its stream); idempotent. */
  void stop() {
    ended = true;
    if (memberStream != null) {
      memberStream.shutdown();
    }
  }
}
