package io.cairn.member;

import akka.actor.typed.ActorSystem;
import io.cairn.api.internal.MembershipQuery;
import io.cairn.api.internal.MembershipReply;
import io.cairn.api.internal.MemberRecord;
import io.cairn.member.cluster.ClusterPlan;
import io.cairn.member.cluster.ClusterPlanException;
import io.cairn.member.cluster.PeerAsk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * etcd's GetClusterFromRemotePeers over Akka Artery: every member answers {@link MembershipQuery} at
 * /system/{@value #NAME} with its cluster ID and configuration; a new member started with --initial-cluster-state existing
 * asks the other members of its --initial-cluster and takes the cluster from the first answer, its own ID being
 * the one whose peer URLs are its own (etcd's ValidateClusterAndAssignIDs).
 */
public final class RemoteMembership {
  static final String NAME = "cairn-membership";
  /** How long a joining member keeps asking its peers before giving up (a bounded start, never a hang). */
  public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);

  private RemoteMembership() {}

  /** Serves this member's view of the cluster to joining members. */
  public static void serve(ActorSystem<?> system, Supplier<MembershipReply> view) {
    PeerAsk.serve(system, NAME, MembershipQuery.class, MembershipQuery::getReplyTo, query -> view.get());
  }

  /**
   * A member asks its peers whether it is still a member (etcd's peers answer a removed member's messages with 410
   * Gone, and it stops): onRemoved runs when a peer of the same cluster lists this member as removed. Stops at the
   * first answer of the cluster; bounded to {@link #FETCH_TIMEOUT} of attempts. The stage completes when it stops.
   */
  static CompletionStage<Void> watchForRemoval(ActorSystem<?> system, long clusterId, long selfId,
      List<String> peerUrls, Runnable onRemoved) {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    if (peerUrls.isEmpty()) {
      stopped.complete(null);
    } else {
      long deadline = System.nanoTime() + FETCH_TIMEOUT.toNanos();
      askNext(system, clusterId, selfId, peerUrls, 0, deadline, onRemoved, stopped);
    }
    return stopped;
  }

  private static void askNext(ActorSystem<?> system, long clusterId, long selfId, List<String> peerUrls, int attempt,
      long deadline, Runnable onRemoved, CompletableFuture<Void> stopped) {
    if (System.nanoTime() > deadline) {
      stopped.complete(null);
      return;
    }
    ask(system, peerUrls.get(attempt % peerUrls.size()))
        .whenComplete((reply, error) -> {
          if (error == null && reply.getClusterId() == clusterId) {
            if (reply.getMembers().getRemovedList().contains(selfId)) {
              onRemoved.run();
            }
            stopped.complete(null); // the cluster answered
            return;
          }
          system.scheduler().scheduleOnce(Duration.ofMillis(500),
              () -> askNext(system, clusterId, selfId, peerUrls, attempt + 1, deadline, onRemoved, stopped),
              system.executionContext());
        });
  }

  /** Asks the member at peerUrl for its view of the cluster; fails after {@link #ASK_TIMEOUT}. */
  private static CompletionStage<MembershipReply> ask(ActorSystem<?> system, String peerUrl) {
    return PeerAsk.ask(system, PeerAsk.<MembershipQuery>at(system, peerUrl, NAME),
        replyTo -> MembershipQuery.newBuilder().setReplyTo(replyTo).build(), ASK_TIMEOUT);
  }

  /** What a member answers. */
  static MembershipReply reply(ClusterInfo cluster, MembershipChanges.State state) {
    return MembershipReply.newBuilder().setClusterId(cluster.clusterId())
        .setMembers(Membership.toProto(state)).build();
  }

  /**
   * Asks the plan's other members, in turn, until one answers or {@link #FETCH_TIMEOUT} passes.
   *
   * @throws ClusterPlanException with etcd's message when no peer answers or this member is not in the answer
   */
  public static JoinedCluster fetch(ActorSystem<?> system, ClusterPlan plan) {
    long deadline = System.nanoTime() + FETCH_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (ClusterPlan.Member peer : plan.peers()) {
        try {
          MembershipReply reply = ask(system, peer.peerUrls().get(0))
              .toCompletableFuture().get(ASK_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
          return joined(plan, reply);
        } catch (ClusterPlanException e) {
          throw e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        } catch (Exception e) {
          // not up yet, or unreachable: try the next one
        }
      }
    }
    throw new ClusterPlanException(
        "cannot fetch cluster info from peer urls: could not retrieve cluster information from the given URLs");
  }

  /** etcd's ValidateClusterAndAssignIDs: the same member count, this member found by its peer URLs. */
  static JoinedCluster joined(ClusterPlan plan, MembershipReply reply) {
    List<MemberRecord> remote = reply.getMembers().getMembersList();
    if (remote.size() != plan.members().size()) {
      throw new ClusterPlanException("error validating peerURLs " + describe(remote) + ": member count is unequal");
    }
    HashSet<String> own = new HashSet<>(plan.self().peerUrls());
    MemberRecord self = remote.stream().filter(r -> new HashSet<>(r.getPeerUrlsList()).equals(own)).findFirst()
        .orElseThrow(() -> new ClusterPlanException(
            "error validating peerURLs " + describe(remote) + ": unmatched member while checking PeerURLs"));
    List<ClusterInfo.Member> members = new ArrayList<>();
    for (MemberRecord r : remote) {
      String name = r.getId() == self.getId() ? plan.selfName() : "";
      members.add(new ClusterInfo.Member(r.getId(), name, List.copyOf(r.getPeerUrlsList()), List.of(), r.getLearner()));
    }
    ClusterInfo cluster = new ClusterInfo(reply.getClusterId(), self.getId(), plan.selfName(), members);
    return new JoinedCluster(cluster, new HashSet<>(reply.getMembers().getRemovedList()));
  }

  private static String describe(List<MemberRecord> members) {
    return members.stream().map(r -> MemberIds.hex(r.getId()) + "=" + r.getPeerUrlsList()).toList().toString();
  }
}
