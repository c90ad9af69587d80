package io.cairn.grpc.lease;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import io.cairn.api.internal.LeaseRenewReply;
import io.cairn.api.internal.LeaseRenewRequest;
import io.cairn.member.ClusterInfo;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import io.cairn.member.MemberApi;
import io.cairn.member.cluster.PeerAddress;
import io.cairn.member.lease.Lessor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A follower's lease keep-alives renewed on the leader over the peers' Artery link, as etcd's LeaseRenew posts
 * them to the leader's peer URL (leasehttp.RenewHTTP): one message each way. Forwarding each keep-alive as a
 * gRPC LeaseKeepAlive stream of its own to the leader's client URL cost a stream set-up on both sides per
 * keep-alive, and needed the leader's client TLS settings.
 */
public final class PeerLeaseRenewals {
  static final String NAME = "cairn-lease-renewals";
  static final String PATH = "/system/" + NAME;
  /** Resolved leader references kept; more members than this is far beyond any cluster etcd supports. */
  private static final int MAX_CACHED_PEERS = 64;

  private final ActorSystem<?> system;
  private final ActorRefResolver resolver;
  private final Duration askTimeout;
  private final Map<String, ActorRef<LeaseRenewRequest>> peers = new ConcurrentHashMap<>();

  /** askTimeout bounds one renewal's round trip (the caller's deadline may end it sooner). */
  public PeerLeaseRenewals(ActorSystem<?> system, Duration askTimeout) {
    this.system = system;
    this.resolver = ActorRefResolver.get(system);
    this.askTimeout = askTimeout;
  }

  /**
   * Serves renewals asked of this member: renewed here while it leads, refused otherwise (the follower asks
   * again, whoever leads by then). Once per ActorSystem.
   */
  public static void serve(ActorSystem<?> system, MemberApi member) {
    ActorRefResolver resolver = ActorRefResolver.get(system);
    Behavior<LeaseRenewRequest> behavior = Behaviors.receive(LeaseRenewRequest.class)
        .onMessage(LeaseRenewRequest.class, request -> {
          ActorRef<LeaseRenewReply> replyTo = resolver.resolveActorRef(request.getReplyTo());
          replyTo.tell(renewHere(member, request.getLeaseId()));
          return Behaviors.same();
        })
        .build();
    system.systemActorOf(behavior, NAME, Props.empty());
  }

  private static LeaseRenewReply renewHere(MemberApi member, long leaseId) {
    if (member.raftStatus().leaderId() != member.cluster().memberId()) {
      return LeaseRenewReply.newBuilder().setRefusal(EtcdError.NOT_LEADER.message()).build();
    }
    try {
      return LeaseRenewReply.newBuilder().setTtl(renewOnLeader(member.lessor(), leaseId)).build();
    } catch (EtcdException e) {
      return LeaseRenewReply.newBuilder().setRefusal(e.getMessage()).build();
    }
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

  /** The TTL the leader renewed leaseId to (0: no such lease); fails when it did not renew it. */
  public CompletionStage<Long> renew(ClusterInfo.Member leader, long leaseId) {
    ActorRef<LeaseRenewRequest> ref;
    try {
      ref = refOf(leader);
    } catch (RuntimeException e) { // no usable peer URL published
      return CompletableFuture.failedFuture(e);
    }
    CompletionStage<LeaseRenewReply> reply = AskPattern.ask(ref,
        replyTo -> LeaseRenewRequest.newBuilder().setLeaseId(leaseId)
            .setReplyTo(resolver.toSerializationFormat(replyTo)).build(),
        askTimeout, system.scheduler());
    return reply.thenApply(r -> {
      if (!r.getRefusal().isEmpty()) {
        throw new IllegalStateException("leader " + Long.toHexString(leader.id()) + " refused: " + r.getRefusal());
      }
      return r.getTtl();
    });
  }

  private ActorRef<LeaseRenewRequest> refOf(ClusterInfo.Member leader) {
    String peerUrl = leader.peerUrls().get(0);
    ActorRef<LeaseRenewRequest> ref = peers.get(peerUrl);
    if (ref == null) {
      if (peers.size() >= MAX_CACHED_PEERS) {
        peers.clear();
      }
      ref = resolver.resolveActorRef(PeerAddress.of(peerUrl).akkaAddress() + PATH);
      peers.put(peerUrl, ref);
    }
    return ref;
  }
}
