package io.cairn.member.watch;

import io.cairn.api.mvccpb.Event;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hub-facing side of one watch stream: a bounded queue of deliveries the publisher fills without ever
 * waiting (etcd: the watchStream's buffered channel), and the watchers that fell behind and must catch up
 * from history. Each enqueue wakes the stream once (coalesced) so wake-ups stay bounded too.
 */
final class StreamInbox {
  private final ArrayBlockingQueue<Delivery> deliveries;
  private final ConcurrentLinkedQueue<Watcher> lagging = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final Runnable wakeup;

  /** Guarded by the registry lock: every offer happens under it. */
  private long lastEnqueuedSeq;

  StreamInbox(int capacity, Runnable wakeup) {
    this.deliveries = new ArrayBlockingQueue<>(capacity);
    this.wakeup = wakeup;
  }

  /** Registry lock held. False when full: the caller then lags the watcher. Never blocks. */
  boolean offer(Watcher watcher, List<Event> events, long headerRevision) {
    Delivery d = new Delivery(watcher, events, headerRevision, lastEnqueuedSeq + 1);
    if (!deliveries.offer(d)) {
      return false;
    }
    lastEnqueuedSeq = d.seq();
    signal();
    return true;
  }

  /** Registry lock held: the watcher is unsynced; its earlier deliveries must drain before it catches up. */
  void lag(Watcher watcher) {
    watcher.catchUpAfterSeq = lastEnqueuedSeq;
    lagging.add(watcher);
    signal();
  }

  Delivery poll() {
    return deliveries.poll();
  }

  Watcher pollLagging() {
    return lagging.poll();
  }

  /** Called by the stream before it drains, so that an enqueue racing the drain wakes it again. */
  void clearSignal() {
    wakeupPending.set(false);
  }

  void signal() {
    if (wakeupPending.compareAndSet(false, true)) {
      wakeup.run();
    }
  }
}
