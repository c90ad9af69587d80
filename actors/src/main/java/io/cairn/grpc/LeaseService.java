package io.cairn.grpc;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Source;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.LeaseGrantRequest;
import io.cairn.api.etcdserverpb.LeaseGrantResponse;
import io.cairn.api.etcdserverpb.LeaseKeepAliveRequest;
import io.cairn.api.etcdserverpb.LeaseKeepAliveResponse;
import io.cairn.api.etcdserverpb.LeaseLeasesRequest;
import io.cairn.api.etcdserverpb.LeaseLeasesResponse;
import io.cairn.api.etcdserverpb.LeaseRevokeRequest;
import io.cairn.api.etcdserverpb.LeaseRevokeResponse;
import io.cairn.api.etcdserverpb.LeaseStatus;
import io.cairn.api.etcdserverpb.LeaseTimeToLiveRequest;
import io.cairn.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import io.cairn.member.MemberApi;
import io.cairn.member.lease.LeaseTimeToLive;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * etcd Lease service: grants and revokes through proposals, keep-alives and TTLs through the {@link
 * io.cairn.member.lease.Lessor} (etcdserver/api/v3rpc/lease.go).
 */
public final class LeaseService implements io.cairn.api.etcdserverpb.Lease {
  private final MemberApi member;
  private final ActorSystem<?> system;
  private final LeaseGranter granter;

  public LeaseService(MemberApi member, ActorSystem<?> system) {
    this(member, system, new LeaseGranter(member));
  }

  LeaseService(MemberApi member, ActorSystem<?> system, LeaseGranter granter) {
    this.member = member;
    this.system = system;
    this.granter = granter;
  }

  @Override
  public CompletionStage<LeaseGrantResponse> leaseGrant(LeaseGrantRequest in) {
    return GrpcErrors.call(() -> granter.grant(in.getID(), in.getTTL()));
  }

  @Override
  public CompletionStage<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest in) {
    // Unknown leases fail in the applier with LEASE_NOT_FOUND, as etcd's apply of LeaseRevoke does.
    return GrpcErrors.call(
        () ->
            member
                .propose(
                    InternalRaftRequest.newBuilder()
                        .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(in.getID()))
                        .build())
                .thenApply(m -> (LeaseRevokeResponse) m));
  }

  /**
   * One response per request, in order; the stream's own backpressure bounds it. etcd v3rpc/lease.go
   * leaseKeepAlive: the header is taken before renewing (so a client never sees a keep-alive succeed at a
   * revision after the lease's revocation) and an unknown lease answers TTL 0, not an error.
   */
  @Override
  public Source<LeaseKeepAliveResponse, NotUsed> leaseKeepAlive(Source<LeaseKeepAliveRequest, NotUsed> in) {
    return GrpcErrors.mapFailures(in.map(this::keepAliveOnce));
  }

  LeaseKeepAliveResponse keepAliveOnce(LeaseKeepAliveRequest request) {
    ResponseHeader header = member.header();
    long ttlSeconds;
    try {
      ttlSeconds = member.lessor().keepAlive(request.getID());
    } catch (EtcdException e) {
      if (e.error() != EtcdError.LEASE_NOT_FOUND) {
        throw e;
      }
      ttlSeconds = 0;
    }
    return LeaseKeepAliveResponse.newBuilder().setHeader(header).setID(request.getID()).setTTL(ttlSeconds).build();
  }

  /** etcd v3rpc/lease.go LeaseTimeToLive: an unknown lease is answered with TTL -1, not an error. */
  @Override
  public CompletionStage<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest in) {
    return GrpcErrors.call(
        () -> {
          Optional<LeaseTimeToLive> ttl = member.lessor().timeToLive(in.getID(), in.getKeys());
          LeaseTimeToLiveResponse.Builder out =
              LeaseTimeToLiveResponse.newBuilder().setHeader(member.header()).setID(in.getID());
          if (ttl.isEmpty()) {
            out.setTTL(-1);
          } else {
            out.setTTL(ttl.get().remainingSeconds())
                .setGrantedTTL(ttl.get().grantedTtlSeconds())
                .addAllKeys(ttl.get().keys());
          }
          return CompletableFuture.completedFuture(out.build());
        });
  }

  @Override
  public CompletionStage<LeaseLeasesResponse> leaseLeases(LeaseLeasesRequest in) {
    return GrpcErrors.call(
        () -> {
          LeaseLeasesResponse.Builder out = LeaseLeasesResponse.newBuilder().setHeader(member.header());
          for (long id : member.lessor().leaseIds()) {
            out.addLeases(LeaseStatus.newBuilder().setID(id));
          }
          return CompletableFuture.completedFuture(out.build());
        });
  }
}
