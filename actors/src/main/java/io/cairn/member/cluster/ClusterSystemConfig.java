package io.cairn.member.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;

/**
 * The Akka config of a member's ActorSystem in a cluster: this member's Artery addresses and seed nodes from the
 * {@link ClusterPlan}, over cairn-cluster.conf (cluster provider, Artery TCP, protobuf Raft messages, no downing).
 *
 * <p>Seed nodes are every initial member, in --initial-cluster order on every member (Akka requires the same
 * order everywhere): the first one forms the cluster when it finds no other seed up within seed-node-timeout; the
 * others join whichever seed answers. Raft does not wait for this: it needs only Artery associations, which work
 * between members whether or not they are cluster members yet.
 */
public final class ClusterSystemConfig {
  public static final String RESOURCE = "cairn-cluster.conf";

  private ClusterSystemConfig() {}

  /** Put this over the member's base config: {@code overlay(plan).withFallback(ConfigFactory.load())}. */
  public static Config overlay(ClusterPlan plan) {
    return overlay(plan, false);
  }

  /**
   * As {@link #overlay(ClusterPlan)}, with the seed order for how the member starts: a member joining an existing
   * cluster lists itself last, so it joins the running members and never forms a cluster of its own; a member
   * restarted with --force-new-cluster is its own only seed (its old peers are gone).
   */
  public static Config overlay(ClusterPlan plan, boolean forceNewCluster) {
    List<String> seeds;
    if (forceNewCluster) {
      seeds = List.of(plan.self().peerAddress().akkaAddress());
    } else if (plan.newCluster()) {
      seeds = plan.members().stream().map(m -> m.peerAddress().akkaAddress()).toList();
    } else {
      List<String> ordered = new java.util.ArrayList<>(
          plan.peers().stream().map(m -> m.peerAddress().akkaAddress()).toList());
      ordered.add(plan.self().peerAddress().akkaAddress());
      seeds = List.copyOf(ordered);
    }
    return ConfigFactory.empty()
        .withValue("akka.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(plan.canonical().host()))
        .withValue("akka.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(plan.canonical().port()))
        .withValue("akka.remote.artery.bind.hostname", ConfigValueFactory.fromAnyRef(plan.bind().host()))
        .withValue("akka.remote.artery.bind.port", ConfigValueFactory.fromAnyRef(plan.bind().port()))
        .withValue("akka.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
        .withFallback(ConfigFactory.parseResources(ClusterSystemConfig.class.getClassLoader(), RESOURCE));
  }
}
