package io.cairn.grpc;

import akka.actor.typed.ActorSystem;
import io.cairn.member.MemberApi;

/** etcd Watch service: bidirectional streams of watchers over the {@link io.cairn.member.watch.WatchHub}. */
public final class WatchService implements io.cairn.api.etcdserverpb.Watch {
  private final MemberApi member;
  private final ActorSystem<?> system;

  public WatchService(MemberApi member, ActorSystem<?> system) {
    this.member = member;
    this.system = system;
  }

  @Override
  public akka.stream.javadsl.Source<io.cairn.api.etcdserverpb.WatchResponse, akka.NotUsed> watch(akka.stream.javadsl.Source<io.cairn.api.etcdserverpb.WatchRequest, akka.NotUsed> in) {
    throw new UnsupportedOperationException("TODO");
  }
}
