package io.cairn.member;

import io.cairn.api.mvccpb.Event;
import java.util.List;

/**
 * Who hears of an applied batch (written to the store and readable; the store syncs it within Applier.StoreSync's
 * interval), after its proposals are answered: the watch hub and the lessor (an interface so the applier can be
 * tested without them). The applier updates the {@link Membership} itself.
 */
public interface ApplyListener {
  void applied(List<Event> events, long revision);

  void leaseGranted(long leaseId, long ttlSeconds);

  void leaseRevoked(long leaseId);

  /**
   * The store was replaced by a snapshot now at revision (Raft §7): rebuild what is derived from it (leases,
   * membership, watchers). The applier has already taken the snapshot's alarms.
   */
  void snapshotInstalled(long revision);

  /**
   * A configuration change was applied (etcd's applyConfChange): the membership is now state. Called once the
   * batch is written (before the store's sync) and before its proposals are answered.
   */
  default void membershipChanged(MembershipChanges.State state) {}
}
