package io.cairn.member;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.api.internal.MemberAttributes;
import io.cairn.persistence.mvcc.MvccStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The member's view of the cluster (etcd's RaftCluster): the initial members with their peer URLs, and each
 * member's client URLs once its published attributes are applied (recorded in the store, so a restarted member
 * knows them at once). Members are listed by ID, as etcd's RaftCluster.Members().
 */
final class Membership {
  private volatile ClusterInfo current;

  Membership(ClusterInfo initial) {
    this.current = sorted(initial);
  }

  /** Store meta key of a member's published attributes (written by the applier). */
  static String attributesKey(long memberId) {
    return "members/" + MemberIds.hex(memberId) + "/attributes";
  }

  /** Takes every member's attributes recorded in the store (a restart). */
  void recover(MvccStore store) {
    for (ClusterInfo.Member m : current.members()) {
      store.meta(attributesKey(m.id())).ifPresent(bytes -> {
        try {
          published(MemberAttributes.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("member " + MemberIds.hex(m.id()) + ": unreadable attributes in the store", e);
        }
      });
    }
  }

  /** A member's attributes were applied: its name and client URLs are known from now on. */
  synchronized void published(MemberAttributes attributes) {
    ClusterInfo c = current;
    List<ClusterInfo.Member> members = new ArrayList<>(c.members().size());
    for (ClusterInfo.Member m : c.members()) {
      members.add(m.id() == attributes.getMemberId()
          ? new ClusterInfo.Member(m.id(), attributes.getName(), m.peerUrls(),
              List.copyOf(attributes.getClientUrlsList()), m.learner())
          : m);
    }
    current = new ClusterInfo(c.clusterId(), c.memberId(), c.name(), List.copyOf(members));
  }

  ClusterInfo current() {
    return current;
  }

  private static ClusterInfo sorted(ClusterInfo c) {
    List<ClusterInfo.Member> members = new ArrayList<>(c.members());
    members.sort(Comparator.comparing(ClusterInfo.Member::id, Long::compareUnsigned));
    return new ClusterInfo(c.clusterId(), c.memberId(), c.name(), List.copyOf(members));
  }
}
