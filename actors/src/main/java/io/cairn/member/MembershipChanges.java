package io.cairn.member;

import io.cairn.api.internal.ConfChange;
import io.cairn.api.internal.MemberRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * etcd's RaftCluster.ValidateConfigurationChange and applyConfChange as pure functions of the members and the
 * removed IDs. The same check runs before proposing (to answer at once) and again when the entry is applied
 * (against the configuration as of that log index): an entry that fails it then changes nothing, which keeps a
 * replayed or raced change harmless, as in etcd.
 */
public final class MembershipChanges {
  /** etcd 3.4's maxLearners. */
  public static final int MAX_LEARNERS = 1;

  private MembershipChanges() {}

  /** The membership after a change: the members (by ID) and the IDs removed so far. */
  public record State(List<ClusterInfo.Member> members, Set<Long> removed) {
    public State {
      members = List.copyOf(members);
      removed = Set.copyOf(removed);
    }

    public Optional<ClusterInfo.Member> member(long id) {
      return members.stream().filter(m -> m.id() == id).findFirst();
    }
  }

  /** The error etcd answers for the change against this state, or empty when it may be applied. */
  public static Optional<EtcdError> validate(State state, ConfChange change) {
    long id = change.getMember().getId();
    if (state.removed().contains(id)) {
      return Optional.of(EtcdError.MEMBER_NOT_FOUND); // membership.ErrIDRemoved, answered as not found
    }
    Optional<ClusterInfo.Member> existing = state.member(id);
    switch (change.getType()) {
      case ADD_NODE, ADD_LEARNER_NODE -> {
        if (change.getPromote()) {
          if (existing.isEmpty()) {
            return Optional.of(EtcdError.MEMBER_NOT_FOUND);
          }
          if (!existing.get().learner()) {
            return Optional.of(EtcdError.MEMBER_NOT_LEARNER);
          }
          return Optional.empty();
        }
        if (existing.isPresent()) {
          return Optional.of(EtcdError.MEMBER_EXIST);
        }
        if (urlInUse(state, change.getMember().getPeerUrlsList(), 0)) {
          return Optional.of(EtcdError.PEER_URL_EXIST);
        }
        if (change.getMember().getLearner()
            && state.members().stream().filter(ClusterInfo.Member::learner).count() + 1 > MAX_LEARNERS) {
          return Optional.of(EtcdError.TOO_MANY_LEARNERS);
        }
        return Optional.empty();
      }
      case REMOVE_NODE -> {
        return existing.isEmpty() ? Optional.of(EtcdError.MEMBER_NOT_FOUND) : Optional.empty();
      }
      case UPDATE_NODE -> {
        if (existing.isEmpty()) {
          return Optional.of(EtcdError.MEMBER_NOT_FOUND);
        }
        if (urlInUse(state, change.getMember().getPeerUrlsList(), id)) {
          return Optional.of(EtcdError.PEER_URL_EXIST);
        }
        return Optional.empty();
      }
      default -> {
        return Optional.of(EtcdError.MEMBER_BAD_URLS);
      }
    }
  }

  private static boolean urlInUse(State state, List<String> urls, long exceptId) {
    Set<String> inUse = new HashSet<>();
    state.members().stream().filter(m -> m.id() != exceptId).forEach(m -> inUse.addAll(m.peerUrls()));
    return urls.stream().anyMatch(inUse::contains);
  }

  /** The state after a change that passed {@link #validate}. */
  public static State apply(State state, ConfChange change) {
    MemberRecord record = change.getMember();
    long id = record.getId();
    List<ClusterInfo.Member> members = new ArrayList<>();
    Set<Long> removed = new HashSet<>(state.removed());
    switch (change.getType()) {
      case ADD_NODE, ADD_LEARNER_NODE -> {
        if (change.getPromote()) {
          for (ClusterInfo.Member m : state.members()) {
            members.add(m.id() == id ? new ClusterInfo.Member(id, m.name(), m.peerUrls(), m.clientUrls(), false) : m);
          }
        } else {
          members.addAll(state.members());
          // etcd: a new member has no name and no client URLs until it publishes them (not started yet).
          members.add(new ClusterInfo.Member(id, "", List.copyOf(record.getPeerUrlsList()), List.of(),
              change.getType() == ConfChange.Type.ADD_LEARNER_NODE || record.getLearner()));
        }
      }
      case REMOVE_NODE -> {
        state.members().stream().filter(m -> m.id() != id).forEach(members::add);
        removed.add(id);
      }
      case UPDATE_NODE -> {
        for (ClusterInfo.Member m : state.members()) {
          members.add(m.id() == id
              ? new ClusterInfo.Member(id, m.name(), List.copyOf(record.getPeerUrlsList()), m.clientUrls(), m.learner())
              : m);
        }
      }
      default -> members.addAll(state.members());
    }
    members.sort((a, b) -> Long.compareUnsigned(a.id(), b.id()));
    return new State(members, removed);
  }
}
