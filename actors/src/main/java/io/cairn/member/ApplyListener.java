package io.cairn.member;

import io.cairn.api.internal.MemberAttributes;
import io.cairn.api.mvccpb.Event;
import java.util.List;

/**
 * Who hears of a durable batch, after its proposals are answered: the watch hub, the lessor and the
 * membership view in the member (an interface so the applier can be tested without them).
 */
public interface ApplyListener {
  void applied(List<Event> events, long revision);

  void leaseGranted(long leaseId, long ttlSeconds);

  void leaseRevoked(long leaseId);

  /** A member's published attributes (etcd's publish) were applied. */
  void memberPublished(MemberAttributes attributes);

  /**
   * The store was replaced by a snapshot now at revision (Raft §7): rebuild what is derived from it (leases,
   * membership, watchers). The applier has already taken the snapshot's alarms.
   */
  void snapshotInstalled(long revision);

  /**
   * A configuration change was applied (etcd's applyConfChange): the membership is now state. Called after the
   * batch is durable and before its proposals are answered.
   */
  default void membershipChanged(MembershipChanges.State state) {}
}
