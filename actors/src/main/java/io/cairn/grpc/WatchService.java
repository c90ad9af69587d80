package io.cairn.grpc;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Source;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.member.MemberApi;

/** etcd Watch service: bidirectional streams of watchers over the {@link io.cairn.member.watch.WatchHub}. */
public final class WatchService implements io.cairn.api.etcdserverpb.Watch {
  private final MemberApi member;
  private final ActorSystem<?> system;

  public WatchService(MemberApi member, ActorSystem<?> system) {
    this.member = member;
    this.system = system;
  }

  /**
   * Each call is one etcd serverWatchStream: many watchers, ids per stream, headers from this member, and
   * fragments cut at --max-request-bytes as etcd's sendFragments.
   */
  @Override
  public Source<WatchResponse, NotUsed> watch(Source<WatchRequest, NotUsed> in) {
    return in.via(member.watchHub().watchStream(member::header, member.limits().maxRequestBytes()));
  }
}
