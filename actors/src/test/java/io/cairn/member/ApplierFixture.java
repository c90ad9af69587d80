package io.cairn.member;

import akka.actor.typed.Behavior;
import io.cairn.api.mvccpb.Event;
import io.cairn.persistence.mvcc.MvccStore;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/** What the applier tests share: an applier of member 2 in cluster 1 over a store, with a membership of its own. */
final class ApplierFixture {
  static final Applier.Identity IDENTITY = new Applier.Identity(1, 2);

  private ApplierFixture() {}

  /** A listener ignoring everything; a test overrides what it checks. */
  static class QuietListener implements ApplyListener {
    @Override
    public void applied(List<Event> events, long revision) {}

    @Override
    public void leaseGranted(long leaseId, long ttlSeconds) {}

    @Override
    public void leaseRevoked(long leaseId) {}

    @Override
    public void snapshotInstalled(long revision) {}
  }

  /** A membership of this member alone, unnamed (the tests that do not look at it). */
  static Membership soleMembership() {
    return new Membership(new ClusterInfo(IDENTITY.clusterId(), IDENTITY.memberId(), "", List.of()));
  }

  /** appliedIndexSink hears what the Raft node would (the applied index, not the configuration). */
  static Behavior<Object> applier(MvccStore store, ProposalRegistry registry, AppliedIndex appliedIndex,
      AlarmState alarms, ApplyListener listener, LongConsumer appliedIndexSink) {
    return applier(store, registry, appliedIndex, alarms, listener, soleMembership(), appliedIndexSink,
        Applier.StoreSync.ETCD_DEFAULTS);
  }

  static Behavior<Object> applier(MvccStore store, ProposalRegistry registry, AppliedIndex appliedIndex,
      AlarmState alarms, ApplyListener listener, Membership membership, LongConsumer appliedIndexSink) {
    return applier(store, registry, appliedIndex, alarms, listener, membership, appliedIndexSink,
        Applier.StoreSync.ETCD_DEFAULTS);
  }

  static Behavior<Object> applier(MvccStore store, ProposalRegistry registry, AppliedIndex appliedIndex,
      AlarmState alarms, ApplyListener listener, Membership membership, LongConsumer appliedIndexSink,
      Applier.StoreSync storeSync) {
    return Applier.create(store, registry, appliedIndex, alarms, listener, IDENTITY, membership, Map.of(),
        (index, configuration) -> appliedIndexSink.accept(index), storeSync);
  }
}
