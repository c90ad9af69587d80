package io.cairn.launcher.grpcproxy;

import akka.NotUsed;
import akka.grpc.javadsl.Metadata;
import akka.stream.Materializer;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every client watcher of the proxy, grouped by what it watches (etcd's watchRanges,
 * proxy/grpcproxy/watch_ranges.go): one {@link WatchBroadcasts} per range and forwarded metadata. etcd's proxy
 * keys by range alone and opens the member watcher with the first client's token; here watchers whose forwarded
 * metadata ({@link CallMetadata#forwardedValues}: auth token, hasleader) differ never share a member watcher, so
 * the member checks each client's own token, as the keep-alive coalescing does.
 */
final class WatchRanges {
  /** The member's Watch call, with the metadata to forward. */
  interface Member {
    Source<WatchResponse, NotUsed> watch(Source<WatchRequest, NotUsed> requests, Metadata md);
  }

  /** What a member watcher is shared by: the forwarded metadata and the (namespaced) range. */
  record Key(List<Optional<String>> metadata, ByteString key, ByteString rangeEnd) {}

  final Member member;
  final Materializer mat;
  /** A group's place here changes only inside compute on its key; its content only under its own monitor. */
  private final ConcurrentHashMap<Key, WatchBroadcasts> groups = new ConcurrentHashMap<>();
  private final AtomicLong clientWatchers = new AtomicLong();
  private final AtomicLong serverWatchers = new AtomicLong();

  WatchRanges(Member member, Materializer mat) {
    this.member = member;
    this.mat = mat;
  }

  void add(ClientWatcher w, Metadata md) {
    groups.compute(w.range, (k, group) -> {
      WatchBroadcasts live = group != null ? group : new WatchBroadcasts(this, k);
      live.add(w, md);
      return live;
    });
  }

  /** Removes a client watcher; false if it was not here any more (its member watcher ended). */
  boolean delete(ClientWatcher w) {
    boolean[] found = {false};
    groups.computeIfPresent(w.range, (k, group) -> {
      found[0] = group.delete(w);
      return group.isEmpty() ? null : group;
    });
    return found[0];
  }

  void dropIfEmpty(Key range) {
    groups.computeIfPresent(range, (k, group) -> group.isEmpty() ? null : group);
  }

  void clientWatchers(long delta) {
    clientWatchers.addAndGet(delta);
  }

  void serverWatchers(long delta) {
    serverWatchers.addAndGet(delta);
  }

  /** Member watchers open now. */
  long serverWatcherCount() {
    return serverWatchers.get();
  }

  /** etcd's etcd_grpc_proxy_watchers_coalescing_total: client watchers served by another's member watcher. */
  long coalescingCount() {
    return clientWatchers.get() - serverWatchers.get();
  }
}
