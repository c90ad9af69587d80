package io.cairn.grpc.lease;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import io.cairn.api.etcdserverpb.LeaseTimeToLiveRequest;
import io.cairn.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.cairn.api.internal.LeaderLeaseReply;
import io.cairn.api.internal.LeaderLeaseRequest;
import io.cairn.member.ClusterInfo;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import io.cairn.member.MemberApi;
import io.cairn.member.cluster.PeerAsk;
import io.cairn.member.lease.LeaseTimeToLive;
import io.cairn.member.lease.Lessor;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A follower's lease keep-alives and time-to-live answered by the leader over the members' Artery link, as etcd
 * posts LeaseRenew and LeaseTimeToLive to the leader's peer URL (leasehttp): one protobuf message each way.
 * Forwarding them as gRPC calls to the leader's client URL cost a stream set-up on both sides per keep-alive and
 * needed the client TLS settings of the leader's listener, which a member does not have.
 */
public final class PeerLeaseRequests {
  static final String NAME = "cairn-lease-requests";
  /** Resolved leader references kept; more members than this is far beyond any cluster etcd supports. */
  private static final int MAX_CACHED_PEERS = 64;
  /** etcd's leasehttp applyTimeout. */
  private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(1);

  private final ActorSystem<?> system;
  private final Duration askTimeout;
  private final Map<String, ActorRef<LeaderLeaseRequest>> peers = new ConcurrentHashMap<>();

  /** askTimeout bounds one request's round trip (the caller's deadline may end it sooner). */
  public PeerLeaseRequests(ActorSystem<?> system, Duration askTimeout) {
    this.system = system;
    this.askTimeout = askTimeout;
  }

  /**
   * Serves lease requests asked of this member: answered here while it leads, refused otherwise (the follower
   * asks again, whoever leads by then). Once per ActorSystem.
   */
  public static void serve(ActorSystem<?> system, MemberApi member) {
    PeerAsk.serveAsync(system, NAME, LeaderLeaseRequest.class, LeaderLeaseRequest::getReplyTo,
        request -> afterApplyWait(member, request, system.executionContext()));
  }

  /**
   * etcd's leasehttp handler waits for ApplyWait (at most applyTimeout, 1 s) before it renews or reads a lease: a
   * follower answers a LeaseGrant once it applied it, and may forward the client's first keep-alive before this
   * leader applied the grant, which would then be reported expired (TTL 0) though it was just granted. A wait that
   * was needed ends on the applier's thread, so the answer is made on {@code executor}, off the apply path.
   */
  private static CompletionStage<LeaderLeaseReply> afterApplyWait(MemberApi member, LeaderLeaseRequest request,
      Executor executor) {
    CompletableFuture<Void> applied = member.applyWait().toCompletableFuture();
    if (applied.isDone() && !applied.isCompletedExceptionally()) {
      return CompletableFuture.completedFuture(answerHere(member, request));
    }
    return applied.orTimeout(APPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .handleAsync((done, error) -> error != null ? refusal(EtcdError.TIMEOUT.message()) : answerHere(member, request),
            executor);
  }

  private static LeaderLeaseReply answerHere(MemberApi member, LeaderLeaseRequest request) {
    if (member.raftStatus().leaderId() != member.cluster().memberId()) {
      return refusal(EtcdError.NOT_LEADER.message());
    }
    try {
      return switch (request.getRequestCase()) {
        case RENEW_LEASE_ID ->
            LeaderLeaseReply.newBuilder().setRenewedTtl(renewOnLeader(member.lessor(), request.getRenewLeaseId())).build();
        case TIME_TO_LIVE ->
            LeaderLeaseReply.newBuilder().setTimeToLive(timeToLiveOnLeader(member, request.getTimeToLive())).build();
        default -> refusal("unknown lease request " + request.getRequestCase());
      };
    } catch (EtcdException e) {
      return refusal(e.getMessage());
    }
  }

  private static LeaderLeaseReply refusal(String why) {
    return LeaderLeaseReply.newBuilder().setRefusal(why).build();
  }

  /**
   * etcd's LeaseRenew on the leader: the lease's TTL, 0 for an unknown lease, which a keep-alive answers
   * rather than failing (v3rpc/lease.go leaseKeepAlive).
   */
  public static long renewOnLeader(Lessor lessor, long leaseId) {
    try {
      return lessor.keepAlive(leaseId);
    } catch (EtcdException e) {
      if (e.error() != EtcdError.LEASE_NOT_FOUND) {
        throw e;
      }
      return 0;
    }
  }

  /** etcd's LeaseTimeToLive on the leader: an unknown lease is TTL -1, not an error (v3rpc/lease.go). */
  public static LeaseTimeToLiveResponse timeToLiveOnLeader(MemberApi member, LeaseTimeToLiveRequest in) {
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
    return out.build();
  }

  /** The TTL the leader renewed leaseId to (0: no such lease); fails when it did not renew it. */
  public CompletionStage<Long> renew(ClusterInfo.Member leader, long leaseId) {
    return ask(leader, LeaderLeaseRequest.newBuilder().setRenewLeaseId(leaseId), LeaderLeaseReply::getRenewedTtl);
  }

  /** The leader's answer (with the leader's header); fails when it did not answer it. */
  public CompletionStage<LeaseTimeToLiveResponse> timeToLive(ClusterInfo.Member leader, LeaseTimeToLiveRequest in) {
    return ask(leader, LeaderLeaseRequest.newBuilder().setTimeToLive(in), LeaderLeaseReply::getTimeToLive);
  }

  private <T> CompletionStage<T> ask(ClusterInfo.Member leader, LeaderLeaseRequest.Builder request,
      Function<LeaderLeaseReply, T> answer) {
    ActorRef<LeaderLeaseRequest> ref;
    try {
      ref = refOf(leader);
    } catch (RuntimeException e) { // no usable peer URL
      return CompletableFuture.failedFuture(e);
    }
    CompletionStage<LeaderLeaseReply> reply =
        PeerAsk.ask(system, ref, replyTo -> request.setReplyTo(replyTo).build(), askTimeout);
    return reply.thenApply(r -> {
      if (!r.getRefusal().isEmpty()) {
        throw new IllegalStateException("leader " + Long.toHexString(leader.id()) + " refused: " + r.getRefusal());
      }
      return answer.apply(r);
    });
  }

  private ActorRef<LeaderLeaseRequest> refOf(ClusterInfo.Member leader) {
    String peerUrl = leader.peerUrls().get(0);
    ActorRef<LeaderLeaseRequest> ref = peers.get(peerUrl);
    if (ref == null) {
      if (peers.size() >= MAX_CACHED_PEERS) {
        peers.clear();
      }
      ref = PeerAsk.at(system, peerUrl, NAME);
      peers.put(peerUrl, ref);
    }
    return ref;
  }
}
