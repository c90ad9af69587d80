package io.cairn.member.watch;

import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.AsyncCallback;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.stream.stage.TimerGraphStageLogic;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.etcdserverpb.WatchCancelRequest;
import io.cairn.api.etcdserverpb.WatchCreateRequest;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.api.mvccpb.Event;
import io.cairn.persistence.mvcc.EventPage;
import io.cairn.persistence.mvcc.KeyRange;
import io.cairn.persistence.mvcc.MvccException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * One Watch RPC stream (etcd's serverWatchStream: recvLoop + sendLoop). Requests create/cancel watchers and
 * ask for progress; responses come, in order of priority, from control answers and catch-up pages already
 * prepared, then the hub's deliveries, then a fresh catch-up page read from history when downstream asks
 * for more. History is read on demand, one page at a time, so a slow client only ever costs one page.
 * Runs on the blocking-I/O dispatcher because catch-up pages and prev_kv are store reads.
 */
final class WatchStreamStage extends GraphStage<FlowShape<WatchRequest, WatchResponse>> {

  /** Steps per pump before yielding to the actor's mailbox (a self wake-up continues the work). */
  private static final int MAX_STEPS_PER_PUMP = 64;

  private static final Object PROGRESS_TICK = "progress-tick";

  private final Inlet<WatchRequest> in = Inlet.create("WatchStream.in");
  private final Outlet<WatchResponse> out = Outlet.create("WatchStream.out");
  private final FlowShape<WatchRequest, WatchResponse> shape = FlowShape.of(in, out);

  private final WatchRegistry registry;
  private final WatchHistory history;
  private final WatchSettings settings;
  private final LongFunction<ResponseHeader> headerAt;
  private final long maxResponseBytes;

  WatchStreamStage(
      WatchRegistry registry,
      WatchHistory history,
      WatchSettings settings,
      LongFunction<ResponseHeader> headerAt,
      long maxResponseBytes) {
    this.registry = registry;
    this.history = history;
    this.settings = settings;
    this.headerAt = headerAt;
    this.maxResponseBytes = maxResponseBytes;
  }

  @Override
  public FlowShape<WatchRequest, WatchResponse> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private final class Logic extends TimerGraphStageLogic {
    private final Map<Long, Watcher> watchers = new LinkedHashMap<>();
    /** Control answers and prepared event responses, sent before anything else. */
    private final ArrayDeque<WatchResponse> ready = new ArrayDeque<>();
    /** Lagging watchers waiting for their next catch-up page, round-robin. */
    private final ArrayDeque<Watcher> catchUp = new ArrayDeque<>();

    private StreamInbox inbox;
    private long lastDrainedSeq;
    private final WatchAdmission admission = new WatchAdmission(settings.maxWatchersPerStream());
    private boolean progressAllRequested;

    Logic() {
      super(shape);
      setHandler(
          in,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              handle(grab(in));
              pump();
            }

            @Override
            public void onUpstreamFinish() {
              // etcd keeps a stream whose client stopped sending (recvLoop EOF) open until it is cancelled.
            }
          });
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              pump();
            }
          });
    }

    @Override
    public void preStart() {
      AsyncCallback<Boolean> wakeup = createAsyncCallback(x -> pump());
      inbox = new StreamInbox(settings.streamBufferResponses(), () -> wakeup.invoke(Boolean.TRUE));
      if (!settings.progressNotifyInterval().isZero()) {
        scheduleWithFixedDelay(PROGRESS_TICK, settings.progressNotifyInterval(), settings.progressNotifyInterval());
      }
      pull(in);
    }

    @Override
    public void postStop() {
      for (Watcher w : watchers.values()) {
        registry.remove(w);
      }
      watchers.clear();
    }

    @Override
    public void onTimer(Object key) {
      // etcd sendLoop's progressTicker: a watcher that got no events since the last tick hears the revision.
      for (Watcher w : watchers.values()) {
        if (w.progressNotify) {
          if (w.progressIdle) {
            registry.progress(w);
          }
          w.progressIdle = true;
        }
      }
      pump();
    }

    private void pump() {
      inbox.clearSignal();
      int steps = 0;
      while (isAvailable(out)) {
        if (++steps > MAX_STEPS_PER_PUMP) {
          inbox.signal(); // yield; continue on the next wake-up
          break;
        }
        WatchResponse next = nextResponse();
        if (next == null) {
          break;
        }
        push(out, next);
      }
      if (progressAllRequested && registry.progressAll(inbox, watchers.values())) {
        progressAllRequested = false;
      }
      if (!isClosed(in) && !hasBeenPulled(in) && ready.size() < settings.maxControlResponses()) {
        pull(in);
      }
    }

    /** The next response to send, or null when there is nothing to send now. Bounded work per call. */
    private WatchResponse nextResponse() {
      for (int step = 0; step < MAX_STEPS_PER_PUMP; step++) {
        WatchResponse r = ready.poll();
        if (r != null) {
          return r;
        }
        if (progressAllRequested && registry.progressAll(inbox, watchers.values())) {
          progressAllRequested = false;
        }
        Delivery d = inbox.poll();
        if (d != null) {
          lastDrainedSeq = d.seq();
          render(d);
          continue;
        }
        Watcher w = nextLagging();
        if (w == null) {
          return null;
        }
        if (w.catchUpAfterSeq > lastDrainedSeq) {
          // Its earlier deliveries are still queued (enqueued just after our poll): send those first.
          catchUp.addFirst(w);
          continue;
        }
        catchUpOnePage(w);
      }
      inbox.signal();
      return null;
    }

    private Watcher nextLagging() {
      for (Watcher w = inbox.pollLagging(); w != null; w = inbox.pollLagging()) {
        catchUp.addLast(w);
      }
      Watcher w = catchUp.poll();
      while (w != null && w.cancelled) {
        w = catchUp.poll();
      }
      return w;
    }

    /**
     * One step of etcd's syncWatchers for one watcher: the events from its next revision up to the revision
     * last published (never beyond: those will still be published, and must not come twice), then rejoin
     * the synced group if that covered everything published.
     */
    private void catchUpOnePage(Watcher w) {
      long upTo = registry.revision();
      long from = w.nextRevision;
      if (from <= upTo) {
        EventPage page;
        try {
          page = history.events(from, w.range.key(), w.range.rangeEnd(), settings.catchUpPageEvents());
        } catch (MvccException e) {
          if (e.code() == MvccException.Code.COMPACTED) {
            compacted(w);
            return;
          }
          throw new IllegalStateException("watch history read failed", e);
        }
        if (page.nextRevision() <= from) {
          throw new IllegalStateException("history page made no progress from revision " + from);
        }
        List<Event> events = new ArrayList<>();
        for (Event e : page.events()) {
          long rev = e.getKv().getModRevision();
          if (rev > upTo) {
            break;
          }
          if (rev >= from && w.range.contains(e.getKv().getKey()) && w.passesFilters(e)) {
            events.add(e);
          }
        }
        if (!events.isEmpty()) {
          // etcd: unsynced responses carry the store revision at sync time as their header revision.
          render(w, events, upTo);
        }
        from = Math.min(page.nextRevision(), upTo + 1);
        w.nextRevision = from;
      }
      if (from <= upTo || !registry.resync(w, from)) {
        catchUp.addLast(w);
      }
    }

    /**
     * etcd's chooseAll: a watcher whose next revision was compacted hears the compact revision and is
     * cancelled. The header revision is the response's revision, 0 there, as etcd.
     */
    private void compacted(Watcher w) {
      ready.add(
          WatchResponse.newBuilder()
              .setHeader(headerAt.apply(0))
              .setWatchId(w.id)
              .setCompactRevision(history.compactedRevision())
              .setCanceled(true)
              .build());
      drop(w);
    }

    private void render(Delivery d) {
      if (d.watcher() == null) {
        ready.add(WatchResponse.newBuilder().setHeader(headerAt.apply(d.headerRevision())).setWatchId(WatchAdmission.NO_WATCH_ID).build());
        return;
      }
      Watcher w = d.watcher();
      if (w.cancelled || watchers.get(w.id) != w) {
        return; // etcd drops what a cancelled watcher had pending
      }
      render(w, d.events(), d.headerRevision());
    }

    private void render(Watcher w, List<Event> events, long headerRevision) {
      WatchResponse.Builder response =
          WatchResponse.newBuilder().setHeader(headerAt.apply(headerRevision)).setWatchId(w.id);
      for (Event e : events) {
        response.addEvents(w.prevKv ? withPrevKv(e) : e);
      }
      if (!events.isEmpty()) {
        w.progressIdle = false;
      }
      if (w.fragment) {
        ready.addAll(ResponseFragmenter.split(response.build(), maxResponseBytes));
      } else {
        ready.add(response.build());
      }
    }

    /** etcd sendLoop: prev_kv is the key's value at revision − 1, for every event but a key's creation. */
    private Event withPrevKv(Event e) {
      boolean creation =
          e.getType() == Event.EventType.PUT && e.getKv().getCreateRevision() == e.getKv().getModRevision();
      if (creation) {
        return e;
      }
      return history
          .get(e.getKv().getKey(), e.getKv().getModRevision() - 1)
          .map(prev -> e.toBuilder().setPrevKv(prev).build())
          .orElse(e);
    }

    private void handle(WatchRequest request) {
      switch (request.getRequestUnionCase()) {
        case CREATE_REQUEST -> create(request.getCreateRequest());
        case CANCEL_REQUEST -> cancel(request.getCancelRequest());
        case PROGRESS_REQUEST -> progressAllRequested = true;
        default -> {} // etcd ignores an empty request rather than ending the stream
      }
    }

    /** etcd recvLoop create_request + mvcc watchStream.Watch (admission: {@link WatchAdmission}). */
    private void create(WatchCreateRequest c) {
      WatchAdmission.Result admitted = admission.admit(c, watchers::containsKey, watchers.size());
      if (admitted.refused()) {
        refuse(admitted.refusal());
        return;
      }
      long id = admitted.id();
      KeyRange range = Watcher.watchedRange(c.getKey(), c.getRangeEnd());
      boolean noPut = c.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
      boolean noDelete = c.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
      Watcher w = new Watcher(id, range, noPut, noDelete, c.getPrevKv(), c.getFragment(), c.getProgressNotify(), inbox);
      watchers.put(id, w);
      long rev = registry.register(w, c.getStartRevision());
      ready.add(WatchResponse.newBuilder().setHeader(headerAt.apply(rev)).setWatchId(id).setCreated(true).build());
      if (!w.synced) {
        catchUp.addLast(w);
      }
    }

    /** etcd answers a refused create with created and canceled both set, watch_id -1 and the reason. */
    private void refuse(String reason) {
      ready.add(
          WatchResponse.newBuilder()
              .setHeader(headerAt.apply(registry.revision()))
              .setWatchId(WatchAdmission.NO_WATCH_ID)
              .setCreated(true)
              .setCanceled(true)
              .setCancelReason(reason)
              .build());
    }

    /** etcd: an unknown id gets no answer. */
    private void cancel(WatchCancelRequest c) {
      Watcher w = watchers.get(c.getWatchId());
      if (w == null) {
        return;
      }
      drop(w);
      ready.add(
          WatchResponse.newBuilder()
              .setHeader(headerAt.apply(registry.revision()))
              .setWatchId(w.id)
              .setCanceled(true)
              .build());
    }

    private void drop(Watcher w) {
      registry.remove(w);
      watchers.remove(w.id, w);
    }
  }
}
