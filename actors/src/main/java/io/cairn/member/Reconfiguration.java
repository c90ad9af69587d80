package io.cairn.member;

import io.cairn.api.internal.ConfChange;
import io.cairn.api.internal.MemberRecord;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * etcd's EtcdServer.AddMember/RemoveMember/UpdateMember/PromoteMember: the request is checked against this
 * member's view (etcd's ValidateConfigurationChange and, with --strict-reconfig-check, mayAddMember /
 * mayRemoveMember), then proposed as one configuration change; the stage completes once it is applied here
 * (the Membership then shows it) or fails with etcd's error.
 */
public final class Reconfiguration {
  private final Membership membership;
  private final boolean strictReconfigCheck;
  private final PeerActivity activity;
  private final Function<ConfChange, CompletionStage<Void>> propose;
  private final java.util.function.LongSupplier leaderId;
  private final Function<Long, CompletionStage<Void>> moveLeader;

  /**
   * @param leaderId the leader this member knows now
   * @param moveLeader hands this member's leadership to a voter (a leader removing itself hands over first)
   */
  Reconfiguration(Membership membership, boolean strictReconfigCheck, PeerActivity activity,
      Function<ConfChange, CompletionStage<Void>> propose, java.util.function.LongSupplier leaderId,
      Function<Long, CompletionStage<Void>> moveLeader) {
    this.leaderId = leaderId;
    this.moveLeader = moveLeader;
    this.membership = membership;
    this.strictReconfigCheck = strictReconfigCheck;
    this.activity = activity;
    this.propose = propose;
  }

  /** etcd v3rpc MemberAdd: the new member's ID from its peer URLs and the time, as membership.NewMember. */
  public CompletionStage<ClusterInfo.Member> add(List<String> peerUrls, boolean learner) {
    try {
      checkUrls(peerUrls);
      long id = MemberIds.memberId(peerUrls, Long.toString(System.currentTimeMillis() / 1000));
      ConfChange change = ConfChange.newBuilder()
          .setType(learner ? ConfChange.Type.ADD_LEARNER_NODE : ConfChange.Type.ADD_NODE)
          .setMember(MemberRecord.newBuilder().setId(id).addAllPeerUrls(peerUrls).setLearner(learner))
          .build();
      check(change);
      mayAdd(learner);
      return propose.apply(change).thenApply(v ->
          new ClusterInfo.Member(id, "", List.copyOf(peerUrls), List.of(), learner));
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletionStage<Void> remove(long id) {
    try {
      ConfChange change = ConfChange.newBuilder().setType(ConfChange.Type.REMOVE_NODE)
          .setMember(MemberRecord.newBuilder().setId(id)).build();
      check(change);
      mayRemove(id);
      long self = membership.current().memberId();
      if (id == self && leaderId.getAsLong() == self) {
        // A leader removing itself hands over first, so the cluster never waits an election timeout for a
        // new leader (etcd 3.4 does not; its removed leader just stops).
        Optional<ClusterInfo.Member> successor = voters().stream()
            .filter(m -> m.id() != self && activity.isActive(m)).findFirst();
        if (successor.isPresent()) {
          return moveLeader.apply(successor.get().id()).thenCompose(v -> propose.apply(change));
        }
      }
      return propose.apply(change);
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletionStage<Void> update(long id, List<String> peerUrls) {
    try {
      checkUrls(peerUrls);
      ConfChange change = ConfChange.newBuilder().setType(ConfChange.Type.UPDATE_NODE)
          .setMember(MemberRecord.newBuilder().setId(id).addAllPeerUrls(peerUrls)).build();
      check(change);
      return propose.apply(change);
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The leader checks that the learner is in sync (etcd's isLearnerReady) when it appends the change. */
  public CompletionStage<Void> promote(long id) {
    try {
      Optional<ClusterInfo.Member> learner = membership.state().member(id);
      ConfChange change = ConfChange.newBuilder().setType(ConfChange.Type.ADD_NODE).setPromote(true)
          .setMember(MemberRecord.newBuilder().setId(id).addAllPeerUrls(
              learner.map(ClusterInfo.Member::peerUrls).orElse(List.of()))).build();
      check(change);
      mayAdd(false);
      return propose.apply(change);
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void check(ConfChange change) {
    Optional<EtcdError> refused = MembershipChanges.validate(membership.state(), change);
    if (refused.isPresent()) {
      throw refused.get().exception();
    }
  }

  /** etcd's v3rpc MemberAdd/MemberUpdate: types.NewURLs, any refusal being ErrGRPCMemberBadURLs. */
  static void checkUrls(List<String> urls) {
    try {
      urls.forEach(io.cairn.member.cluster.NewUrls::parse);
    } catch (IllegalArgumentException e) {
      throw EtcdError.MEMBER_BAD_URLS.exception();
    }
  }

  /**
   * etcd's mayAddMember: for a voter, enough started voters for the grown cluster's quorum
   * (IsReadyToAddVotingMember); for anyone, every voter in touch (isConnectedFullySince).
   */
  private void mayAdd(boolean learner) {
    if (!strictReconfigCheck) {
      return;
    }
    List<ClusterInfo.Member> voters = voters();
    long started = voters.stream().filter(Reconfiguration::isStarted).count();
    int members = voters.size() + 1;
    boolean restoringOneMember = started == 1 && members == 2;
    if (!learner && !restoringOneMember && started < members / 2 + 1) {
      throw EtcdError.MEMBER_NOT_ENOUGH_STARTED.exception();
    }
    if (!voters.stream().allMatch(activity::isActive)) {
      throw EtcdError.UNHEALTHY.exception();
    }
  }

  /**
   * etcd's mayRemoveMember: a learner goes freely; otherwise the voters left must have a started quorum
   * (IsReadyToRemoveVotingMember) and, unless the removed one is down, enough of them must be in touch.
   */
  private void mayRemove(long id) {
    if (!strictReconfigCheck) {
      return;
    }
    Optional<ClusterInfo.Member> removed = membership.state().member(id);
    if (removed.isPresent() && removed.get().learner()) {
      return;
    }
    List<ClusterInfo.Member> remaining = voters().stream().filter(m -> m.id() != id).toList();
    long started = remaining.stream().filter(Reconfiguration::isStarted).count();
    if (started < remaining.size() / 2 + 1) {
      throw EtcdError.MEMBER_NOT_ENOUGH_STARTED.exception();
    }
    if (removed.isPresent() && removed.get().id() != membership.current().memberId()
        && !activity.isActive(removed.get())) {
      return; // a member that is down is safe to remove: it is not part of the active quorum
    }
    List<ClusterInfo.Member> voters = voters();
    long active = voters.stream().filter(activity::isActive).count();
    if (active - 1 < 1 + (voters.size() - 1) / 2) {
      throw EtcdError.UNHEALTHY.exception();
    }
  }

  private List<ClusterInfo.Member> voters() {
    return membership.current().members().stream().filter(m -> !m.learner()).toList();
  }

  /** etcd's Member.IsStarted: it published its name. */
  private static boolean isStarted(ClusterInfo.Member m) {
    return !m.name().isEmpty();
  }
}
