package io.cairn.member.lease;

import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.LeaseRevokeRequest;
import io.cairn.member.ClusterInfo;
import io.cairn.member.MemberApi;
import io.cairn.persistence.mvcc.LeaseRecord;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The lessor's view of a real member. The member is only used lazily: the member builds its lessor while it
 * is itself being built.
 */
final class MemberLessorBackend implements LessorBackend {
  private final MemberApi member;

  MemberLessorBackend(MemberApi member) {
    this.member = member;
  }

  @Override
  public Map<Long, LeaseRecord> leases() {
    return member.store().leases();
  }

  @Override
  public Optional<LeaseRecord> lease(long leaseId) {
    return member.store().lease(leaseId);
  }

  @Override
  public boolean isPrimary() {
    ClusterInfo cluster = member.cluster();
    // A single-member cluster is always its own leader, whatever its Raft status says during start-up.
    if (cluster.members().size() <= 1) {
      return true;
    }
    return member.raftStatus().leaderId() == cluster.memberId();
  }

  @Override
  public CompletionStage<?> proposeRevoke(long leaseId) {
    return member.propose(
        InternalRaftRequest.newBuilder()
            .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(leaseId))
            .build());
  }
}
