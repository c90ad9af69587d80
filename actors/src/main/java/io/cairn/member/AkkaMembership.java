package io.cairn.member;

import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import akka.cluster.typed.Leave;
import java.util.HashSet;
import java.util.Set;

/**
 * The Akka Cluster follows the Raft configuration, never the other way round: a member removed from Raft leaves
 * the Akka Cluster (it leaves by itself; the others down it, so a dead removed member goes too). Akka's failure
 * detector never removes anyone on its own (no downing provider, cairn-cluster.conf).
 */
final class AkkaMembership {
  private AkkaMembership() {}

  /** previous: the members before the change (only members that left it are downed, never a newcomer). */
  static void follow(ActorSystem<?> system, java.util.List<ClusterInfo.Member> previous, ClusterInfo current,
      Set<Long> removedIds) {
    if (!"cluster".equals(system.settings().config().getString("akka.actor.provider"))) {
      return;
    }
    Cluster cluster = Cluster.get(system);
    Set<Address> inConfiguration = new HashSet<>();
    for (ClusterInfo.Member m : current.members()) {
      if (!m.peerUrls().isEmpty()) {
        inConfiguration.add(AkkaPeerActivity.address(m.peerUrls().get(0)));
      }
    }
    boolean selfRemoved = removedIds.contains(current.memberId());
    Address self = cluster.selfMember().address();
    if (selfRemoved) {
      cluster.manager().tell(new Leave(self));
      return;
    }
    for (ClusterInfo.Member gone : previous) {
      if (gone.peerUrls().isEmpty() || current.members().stream().anyMatch(m -> m.id() == gone.id())) {
        continue;
      }
      Address a = AkkaPeerActivity.address(gone.peerUrls().get(0));
      if (!a.equals(self) && !inConfiguration.contains(a)) {
        for (Member m : cluster.state().getMembers()) {
          if (m.address().equals(a)) {
            cluster.manager().tell(new Down(a));
          }
        }
      }
    }
  }
}
