package io.cairn.launcher.grpcproxy;

import akka.NotUsed;
import akka.grpc.javadsl.Metadata;
import akka.stream.javadsl.Source;
import io.cairn.api.etcdserverpb.WatchClient;
import io.cairn.api.etcdserverpb.WatchPowerApi;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;

/**
 * Each client watch stream becomes one member watch stream (etcd's proxy coalesces identical watchers; this one does
 * not). Both directions are Akka streams over HTTP/2 flow control, so a slow watcher back-pressures only its own
 * member stream and never the others.
 */
final class WatchProxy implements WatchPowerApi {
  private final WatchClient client;
  private final Namespace ns;

  WatchProxy(WatchClient client, Namespace ns) {
    this.client = client;
    this.ns = ns;
  }

  @Override
  public Source<WatchResponse, NotUsed> watch(Source<WatchRequest, NotUsed> in, Metadata md) {
    return CallMetadata.forward(client.watch(), md).invoke(in.map(ns::in)).map(ns::out);
  }
}
