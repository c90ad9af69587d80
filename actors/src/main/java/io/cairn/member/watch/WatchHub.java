package io.cairn.member.watch;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.cairn.api.mvccpb.Event;
import java.util.List;

/**
 * Fans applied events out to watchers: synced watchers get them from {@link #publish} through bounded
 * buffers; a watcher that falls behind (or starts in the past) is unsynced and catches up from the store
 * (etcd's synced/unsynced watcher groups). {@link #publish} never blocks the apply path.
 */
public final class WatchHub {

  /** Built by the member before the applier starts; reads history from {@code store}. */
  public WatchHub(io.cairn.persistence.mvcc.MvccStore store, akka.actor.typed.ActorSystem<?> system) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Called by the applier after each committed batch: its events in revision order, and the store revision. */
  public void publish(List<Event> events, long revision) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * An internal watcher for server-side users (Lock, Election): the events on [key, rangeEnd) from
   * startRevision on (0: from now), in revision order, each exactly once; fails with an EtcdException
   * (COMPACTED) when startRevision is compacted. Cancelled by cancelling the stream.
   */
  public Source<Event, NotUsed> events(ByteString key, ByteString rangeEnd, long startRevision) {
    throw new UnsupportedOperationException("TODO");
  }
}
