package io.cairn.member;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.api.internal.ClusterMembers;
import io.cairn.api.internal.MemberAttributes;
import io.cairn.api.internal.MemberRecord;
import io.cairn.persistence.mvcc.MvccStore;
import io.cairn.raft.Configuration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The member's view of the cluster (etcd's RaftCluster): the members with their peer URLs and learner flags, the
 * IDs removed so far, and each member's name and client URLs once its published attributes are applied. The
 * configuration part is persisted in the store's meta ({@link #META_MEMBERS}) in the batch that applies a change,
 * so a restart or a snapshot install knows it (etcd's "members"/"members_removed" buckets); a data dir without it
 * (a fresh member, or a data dir from before runtime reconfiguration) starts from the flags. Members are listed by
 * ID, as etcd's RaftCluster.Members().
 */
final class Membership {
  /** Store meta key of the applied configuration (a ClusterMembers). */
  static final String META_MEMBERS = "cluster/members";

  private volatile ClusterInfo current;
  private volatile Set<Long> removed;

  Membership(ClusterInfo initial, Set<Long> removed) {
    this.current = sorted(initial);
    this.removed = Set.copyOf(removed);
  }

  Membership(ClusterInfo initial) {
    this(initial, Set.of());
  }

  /** Store meta key of a member's published attributes (written by the applier). */
  static String attributesKey(long memberId) {
    return "members/" + MemberIds.hex(memberId) + "/attributes";
  }

  /** The configuration persisted in the store, if any. */
  static Optional<ClusterMembers> persisted(MvccStore store) {
    return store.meta(META_MEMBERS).map(bytes -> {
      try {
        return ClusterMembers.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("unreadable cluster membership in the store", e);
      }
    });
  }

  /**
   * Takes the configuration and every member's attributes recorded in the store (a restart, a snapshot install).
   * Without a persisted configuration the current one stays (a store bootstrapped from the flags).
   */
  synchronized void recover(MvccStore store) {
    persisted(store).ifPresent(members -> {
      ClusterInfo c = current;
      replace(new MembershipChanges.State(fromRecords(members.getMembersList(), c.members()),
          new HashSet<>(members.getRemovedList())));
    });
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

  /** Members from persisted records, keeping names and client URLs already known. */
  static List<ClusterInfo.Member> fromRecords(List<MemberRecord> records, List<ClusterInfo.Member> known) {
    List<ClusterInfo.Member> members = new ArrayList<>();
    for (MemberRecord r : records) {
      Optional<ClusterInfo.Member> k = known.stream().filter(m -> m.id() == r.getId()).findFirst();
      members.add(new ClusterInfo.Member(r.getId(), k.map(ClusterInfo.Member::name).orElse(""),
          List.copyOf(r.getPeerUrlsList()), k.map(ClusterInfo.Member::clientUrls).orElse(List.of()), r.getLearner()));
    }
    return members;
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

  /** A configuration change was applied. */
  synchronized void replace(MembershipChanges.State state) {
    ClusterInfo c = current;
    current = sorted(new ClusterInfo(c.clusterId(), c.memberId(), c.name(), state.members()));
    removed = state.removed();
  }

  ClusterInfo current() {
    return current;
  }

  Set<Long> removed() {
    return removed;
  }

  MembershipChanges.State state() {
    return new MembershipChanges.State(current.members(), removed);
  }

  /** What {@link #META_MEMBERS} holds for a state. */
  static ClusterMembers toProto(MembershipChanges.State state) {
    ClusterMembers.Builder b = ClusterMembers.newBuilder();
    for (ClusterInfo.Member m : state.members()) {
      b.addMembers(MemberRecord.newBuilder().setId(m.id()).addAllPeerUrls(m.peerUrls()).setLearner(m.learner()));
    }
    state.removed().stream().sorted().forEach(b::addRemoved);
    return b.build();
  }

  /** The Raft configuration of a membership: learners replicate, everyone else votes. */
  static Configuration configuration(List<ClusterInfo.Member> members) {
    Set<Long> voters = new HashSet<>();
    Set<Long> learners = new HashSet<>();
    for (ClusterInfo.Member m : members) {
      (m.learner() ? learners : voters).add(m.id());
    }
    return new Configuration(voters, learners);
  }

  private static ClusterInfo sorted(ClusterInfo c) {
    List<ClusterInfo.Member> members = new ArrayList<>(c.members());
    members.sort(Comparator.comparing(ClusterInfo.Member::id, Long::compareUnsigned));
    return new ClusterInfo(c.clusterId(), c.memberId(), c.name(), List.copyOf(members));
  }
}
