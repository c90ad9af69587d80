package io.cairn.launcher.grpcproxy;

import akka.NotUsed;
import akka.grpc.GrpcServiceException;
import akka.grpc.javadsl.Metadata;
import akka.stream.AbruptTerminationException;
import akka.stream.BoundedSourceQueue;
import akka.stream.KillSwitches;
import akka.stream.Materializer;
import akka.stream.QueueOfferResult;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.cairn.api.etcdserverpb.WatchCancelRequest;
import io.cairn.api.etcdserverpb.WatchCreateRequest;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.grpc.GrpcErrors;
import io.cairn.member.watch.WatchAdmission;
import io.cairn.member.watch.WatchSettings;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One client Watch stream (etcd's watchProxyStream, proxy/grpcproxy/watch.go): it numbers its client watchers as a
 * member numbers its watchers, puts them into the shared {@link WatchRanges}, and sends their responses from one
 * bounded queue. A client half-close changes nothing (a member keeps such a stream too); its end removes every
 * watcher it had.
 *
 * <p>Bound: at most {@code maxUnsent} ({@link #MAX_UNSENT}) responses wait to be sent (etcd's proxy keeps 1024 per stream). A client
 * that lets them fill up has its stream failed with UNAVAILABLE at once (etcd's proxy cancels it after 50 ms of a
 * full queue, which its client sees as a non-retried error): clientv3 then resumes each watcher from the revision
 * after the last one it received, on a stream of its own, so a slow client loses nothing and never holds up the
 * member watcher or the other clients on it.
 */
final class WatchProxyStream {
  static final int MAX_UNSENT = 1024;

  private final BoundedSourceQueue<WatchResponse> out;
  private final int maxUnsent;
  private final WatchRanges ranges;
  private final Metadata md;
  private final Namespace ns;
  private final Map<Long, ClientWatcher> watchers = new HashMap<>();
  /** Ids and refusals as a member's stream gives them, with a member's default watcher limit. */
  private final WatchAdmission admission = new WatchAdmission(WatchSettings.DEFAULTS.maxWatchersPerStream());
  private boolean closed;
  private volatile UniqueKillSwitch requests;

  WatchProxyStream(BoundedSourceQueue<WatchResponse> out, int maxUnsent, WatchRanges ranges, Metadata md,
      Namespace ns) {
    this.out = out;
    this.maxUnsent = maxUnsent;
    this.ranges = ranges;
    this.md = md;
    this.ns = ns;
  }

  /** Reads the client's requests, one at a time. */
  void start(Source<WatchRequest, NotUsed> in, Materializer mat) {
    requests = in.viaMat(KillSwitches.single(), Keep.right())
        .to(Sink.foreach(this::receive))
        .run(mat);
  }

  synchronized void receive(WatchRequest request) {
    if (closed) {
      return;
    }
    switch (request.getRequestUnionCase()) {
      case CREATE_REQUEST -> create(ns.in(request).getCreateRequest());
      case CANCEL_REQUEST -> cancel(request.getCancelRequest());
      // etcd 3.4's proxy panics on a progress request; this one leaves it unanswered (see the README)
      default -> {}
    }
  }

  private void create(WatchCreateRequest c) {
    WatchAdmission.Result admitted = admission.admit(c, watchers::containsKey, watchers.size());
    if (admitted.refused()) {
      post(WatchResponse.newBuilder().setWatchId(WatchAdmission.NO_WATCH_ID).setCreated(true).setCanceled(true)
          .setCancelReason(admitted.refusal()).build());
      return;
    }
    long id = admitted.id();
    WatchRanges.Key range = new WatchRanges.Key(CallMetadata.forwardedValues(md), c.getKey(), c.getRangeEnd());
    ClientWatcher w = new ClientWatcher(this, id, range, c);
    watchers.put(id, w);
    ranges.add(w, md);
  }

  /** etcd's proxy answers an unknown id with nothing, as a member does. */
  private void cancel(WatchCancelRequest c) {
    ClientWatcher w = watchers.remove(c.getWatchId());
    if (w != null && ranges.delete(w)) {
      post(WatchResponse.newBuilder().setHeader(w.lastHeader).setWatchId(w.id).setCanceled(true).build());
    }
  }

  /** Queues a response for the client, from any thread; a full queue fails the stream (see the class comment). */
  void post(WatchResponse response) {
    QueueOfferResult result = out.offer(response);
    if (QueueOfferResult.dropped().equals(result)) {
      end(() -> out.fail(new GrpcServiceException(Status.UNAVAILABLE.withDescription(
          "grpcproxy: watch client too slow, more than " + maxUnsent + " responses unread"))));
    }
  }

  /** A member watcher ended on its own: this watcher is over (its client has had the cancel, if any). */
  synchronized void forget(ClientWatcher w) {
    watchers.remove(w.id, w);
  }

  /** A member stream this client had a watcher on ended: the client stream ends the same way, as forwarded. */
  void memberEnded(Throwable failure) {
    if (failure == null) {
      end(out::complete);
    } else if (failure instanceof AbruptTerminationException) {
      // the proxy is stopping: its streams end with it, nothing to log
      end(() -> out.fail(new GrpcServiceException(Status.UNAVAILABLE.withDescription("grpcproxy: stopping"))));
    } else {
      GrpcServiceException status = GrpcErrors.toStatusException(failure);
      end(() -> out.fail(status));
    }
  }

  /** The client's response stream has ended: every watcher it had leaves, and its requests are no longer read. */
  void close() {
    UniqueKillSwitch reading = requests;
    if (reading != null) {
      reading.shutdown();
    }
    List<ClientWatcher> leaving;
    synchronized (this) {
      closed = true;
      leaving = new ArrayList<>(watchers.values());
      watchers.clear();
    }
    for (ClientWatcher w : leaving) {
      ranges.delete(w);
    }
  }

  private static void end(Runnable ending) {
    try {
      ending.run();
    } catch (IllegalStateException alreadyEnded) {
      // Akka's bounded queue refuses a second ending; the stream has already ended
    }
  }
}
