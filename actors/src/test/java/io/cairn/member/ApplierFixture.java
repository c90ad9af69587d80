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

  /** appliedIndexSink hears what the Raft node would (the applied index, not the configuration). */
  static Behavior<Object> applier(MvccStore store, ProposalRegistry registry, AppliedIndex appliedIndex,
      AlarmState alarms, ApplyListener listener, LongConsumer appliedIndexSink) {
    return applier(store, registry, appliedIndex, alarms, listener,
        new Membership(new ClusterInfo(IDENTITY.clusterId(), IDENTITY.memberId(), "", List.of())), appliedIndexSink);
  }

  static Behavior<Object> applier(MvccStore store, ProposalRegistry registry, AppliedIndex appliedIndex,
      AlarmState alarms, ApplyListener listener, Membership membership, LongConsumer appliedIndexSink) {
    return Applier.create(store, registry, appliedIndex, alarms, listener, IDENTITY, membership, Map.of(),
        (index, configuration) -> appliedIndexSink.accept(index));
  }

  static Behavior<Object> applier(MvccStore store, ProposalRegistry registry, AppliedIndex appliedIndex,
      AlarmState alarms, ApplyListener listener, LongConsumer appliedIndexSink, Applier.StoreSync storeSync) {
    return Applier.create(store, registry, appliedIndex, alarms, listener, IDENTITY,
        new Membership(new ClusterInfo(IDENTITY.clusterId(), IDENTITY.memberId(), "", List.of())), Map.of(),
        (index, configuration) -> appliedIndexSink.accept(index), storeSync);
  }
}
