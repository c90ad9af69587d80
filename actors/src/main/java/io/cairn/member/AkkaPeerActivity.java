package io.cairn.member;

import akka.actor.Address;
import akka.actor.AddressFromURIString;
import akka.actor.typed.ActorSystem;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import io.cairn.member.cluster.PeerAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * Peer activity from Akka Cluster: a member is in touch when it is an Up (or joining) member of the Akka Cluster
 * and its failure detector finds it reachable. This member always is. Without the cluster provider (a single
 * member in tests) everyone counts as active.
 */
final class AkkaPeerActivity {
  private AkkaPeerActivity() {}

  static PeerActivity of(ActorSystem<?> system, long selfId) {
    if (!"cluster".equals(system.settings().config().getString("akka.actor.provider"))) {
      return PeerActivity.ALWAYS;
    }
    Cluster cluster = Cluster.get(system);
    return member -> {
      if (member.id() == selfId) {
        return true;
      }
      if (member.peerUrls().isEmpty()) {
        return false;
      }
      Address address = address(member.peerUrls().get(0));
      ClusterEvent.CurrentClusterState state = cluster.state();
      Set<Address> unreachable = new HashSet<>();
      state.getUnreachable().forEach(m -> unreachable.add(m.address()));
      for (Member m : state.getMembers()) {
        if (m.address().equals(address)) {
          MemberStatus status = m.status();
          boolean live = status == MemberStatus.up() || status == MemberStatus.weaklyUp()
              || status == MemberStatus.joining();
          return live && !unreachable.contains(address);
        }
      }
      return false;
    };
  }

  static Address address(String peerUrl) {
    return AddressFromURIString.parse(PeerAddress.of(peerUrl).akkaAddress());
  }
}
