package io.cairn.grpc;

import akka.actor.typed.ActorSystem;
import io.cairn.member.MemberApi;

/** etcd Lease service: grants and revokes through proposals, keep-alives and TTLs through the {@link io.cairn.member.lease.Lessor}. */
public final class LeaseService implements io.cairn.api.etcdserverpb.Lease {
  private final MemberApi member;
  private final ActorSystem<?> system;

  public LeaseService(MemberApi member, ActorSystem<?> system) {
    this.member = member;
    this.system = system;
  }

  @Override
  public java.util.concurrent.CompletionStage<io.cairn.api.etcdserverpb.LeaseGrantResponse> leaseGrant(io.cairn.api.etcdserverpb.LeaseGrantRequest in) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public java.util.concurrent.CompletionStage<io.cairn.api.etcdserverpb.LeaseRevokeResponse> leaseRevoke(io.cairn.api.etcdserverpb.LeaseRevokeRequest in) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public akka.stream.javadsl.Source<io.cairn.api.etcdserverpb.LeaseKeepAliveResponse, akka.NotUsed> leaseKeepAlive(akka.stream.javadsl.Source<io.cairn.api.etcdserverpb.LeaseKeepAliveRequest, akka.NotUsed> in) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public java.util.concurrent.CompletionStage<io.cairn.api.etcdserverpb.LeaseTimeToLiveResponse> leaseTimeToLive(io.cairn.api.etcdserverpb.LeaseTimeToLiveRequest in) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public java.util.concurrent.CompletionStage<io.cairn.api.etcdserverpb.LeaseLeasesResponse> leaseLeases(io.cairn.api.etcdserverpb.LeaseLeasesRequest in) {
    throw new UnsupportedOperationException("TODO");
  }
}
