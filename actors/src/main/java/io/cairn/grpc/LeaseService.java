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
import io.cairn.member.MemberApi;
import io.cairn.grpc.lease.LeaderForwarding;
import io.cairn.grpc.lease.PeerLeaseRequests;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * etcd Lease service: grants and revokes through proposals, keep-alives and TTLs through the leader's {@link
 * io.cairn.member.lease.Lessor} (etcdserver/api/v3rpc/lease.go): only the leader (etcd's primary lessor)
 * tracks deadlines and expires leases, so a follower forwards LeaseKeepAlive and LeaseTimeToLive to it, as
 * etcd's LeaseRenew and LeaseTimeToLive do (etcdserver/v3_server.go).
 */
public final class LeaseService implements io.cairn.api.etcdserverpb.Lease {
  private final MemberApi member;
  private final LeaseGranter granter;
  private final LeaderForwarding toLeader;
  private final PeerLeaseRequests onLeader;

  public LeaseService(MemberApi member, ActorSystem<?> system) {
    this(member, system, LeaderForwarding.DEFAULT_TIMEOUT);
  }

  /** forwardTimeout bounds a request forwarded to the leader, waiting for one included (etcd's ReqTimeout). */
  LeaseService(MemberApi member, ActorSystem<?> system, Duration forwardTimeout) {
    this.member = member;
    this.granter = new LeaseGranter(member);
    this.toLeader = new LeaderForwarding(member, system, forwardTimeout);
    this.onLeader = new PeerLeaseRequests(system, forwardTimeout);
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
   * revision after the lease's revocation) and an unknown lease answers TTL 0, not an error. On a follower
   * each request is one renewal on the leader over the peers' link (etcd LeaseRenew → leasehttp.RenewHTTP).
   */
  @Override
  public Source<LeaseKeepAliveResponse, NotUsed> leaseKeepAlive(Source<LeaseKeepAliveRequest, NotUsed> in) {
    return GrpcErrors.mapFailures(in.mapAsync(1, this::keepAlive));
  }

  CompletionStage<LeaseKeepAliveResponse> keepAlive(LeaseKeepAliveRequest request) {
    ResponseHeader header = member.header();
    long leaseId = request.getID();
    return toLeader
        .run(() -> PeerLeaseRequests.renewOnLeader(member.lessor(), leaseId), leader -> onLeader.renew(leader, leaseId))
        .thenApply(ttlSeconds ->
            LeaseKeepAliveResponse.newBuilder().setHeader(header).setID(leaseId).setTTL(ttlSeconds).build());
  }

  /**
   * etcd v3rpc/lease.go LeaseTimeToLive: an unknown lease is answered with TTL -1, not an error. A follower
   * asks the leader (etcd LeaseTimeToLive → leasehttp.TimeToLiveHTTP) and answers with its own header.
   */
  @Override
  public CompletionStage<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest in) {
    return GrpcErrors.call(
        () -> toLeader.run(
            () -> PeerLeaseRequests.timeToLiveOnLeader(member, in),
            leader -> onLeader.timeToLive(leader, in)
                .thenApply(reply -> reply.toBuilder().setHeader(member.header()).build())));
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
