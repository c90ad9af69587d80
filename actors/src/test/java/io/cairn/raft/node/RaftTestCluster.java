package io.cairn.raft.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.BehaviorInterceptor;
import akka.actor.typed.TypedActorContext;
import akka.actor.typed.javadsl.Behaviors;
import io.cairn.api.internal.LogEntry;
import io.cairn.raft.Committed;
import io.cairn.raft.CommittedEntry;
import io.cairn.raft.LogCommand;
import io.cairn.raft.log.InMemoryRaftLogStore;
import io.cairn.raft.transport.InMemoryNetwork;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Several RaftNodes in one ActorTestKit on an {@link InMemoryNetwork}, each with an
 * {@link InMemoryRaftLogStore}. Nothing ticks on its own: tests send ticks or Campaign explicitly, and use
 * {@link #inspect} as a barrier (it is answered after everything the test sent the node before).
 */
final class RaftTestCluster {

  static final int ELECTION_TICKS = 10;
  static final Duration AWAIT = Duration.ofSeconds(10);
  private static final AtomicInteger CLUSTER_SEQ = new AtomicInteger();

  final ActorTestKit kit;
  final InMemoryNetwork network = new InMemoryNetwork();
  final Map<Long, InMemoryRaftLogStore> stores = new LinkedHashMap<>();
  final Map<Long, ActorRef<Object>> nodes = new LinkedHashMap<>();
  final Map<Long, List<CommittedEntry>> applied = new LinkedHashMap<>();
  final Map<Long, RaftNodeStatus> statuses = new ConcurrentHashMap<>();
  /** Every (term → leaders) ever reported: Election Safety says at most one per term (Raft §5.2). */
  final Map<Long, Set<Long>> leadersByTerm = new ConcurrentHashMap<>();
  private final Map<Long, ActorRef<Object>> appliers = new LinkedHashMap<>();
  /** Messages each node has started to process (self-messages included), counted by an interceptor. */
  private final Map<Long, AtomicLong> received = new ConcurrentHashMap<>();

  /** Node i gets a randomized election timeout of ELECTION_TICKS + 2i ticks: node 1 times out first. */
  static RaftTestCluster staggered(ActorTestKit kit, int size) {
    return new RaftTestCluster(kit, size, id -> new FixedRandom((int) (2 * id)));
  }

  RaftTestCluster(ActorTestKit kit, int size, LongFunction<Random> randoms) {
    this(kit, size, randoms, false);
  }

  /**
   * With tickTimer, each node ticks itself every heartbeat interval (100 ms) from its own Akka timer, as in
   * production: only meant for a kit on {@link akka.actor.testkit.typed.javadsl.ManualTime}.
   */
  RaftTestCluster(ActorTestKit kit, int size, LongFunction<Random> randoms, boolean tickTimer) {
    this.kit = kit;
    Set<Long> voters = new HashSet<>();
    for (long id = 1; id <= size; id++) {
      voters.add(id);
    }
    this.seq = CLUSTER_SEQ.incrementAndGet();
    this.randoms = randoms;
    this.tickTimer = tickTimer;
    for (long id = 1; id <= size; id++) {
      spawnNode(id, voters, Set.of());
    }
    // Spawning is asynchronous: wait until every node registered with the network before anything flows.
    nodes.keySet().forEach(this::inspect);
  }

  private final int seq;
  private final LongFunction<Random> randoms;
  private final boolean tickTimer;
  /** Called on the applier's thread with each committed batch of a node (after it is recorded). */
  volatile java.util.function.BiConsumer<Long, Committed> applyHook = (id, batch) -> {};

  /** Starts a node with the given initial configuration (a member joining an existing cluster starts later). */
  void spawnNode(long id, Set<Long> voters, Set<Long> learners) {
    {
      RaftSettings settings = new RaftSettings(id, voters, learners, 77, 100, 100L * ELECTION_TICKS,
          8, 1 << 20, 8L << 20, 64, 1 << 20, 1000, 1000, 0, id);
      InMemoryRaftLogStore store = new InMemoryRaftLogStore();
      List<CommittedEntry> appliedEntries = new CopyOnWriteArrayList<>();
      long nodeId = id;
      ActorRef<Object> applierRef = kit.spawn(Behaviors.receiveMessage(m -> {
        if (m instanceof Committed c) {
          appliedEntries.addAll(c.entries());
          applyHook.accept(nodeId, c);
        } else if (m instanceof ApplierBarrier barrier) {
          barrier.replyTo().tell(barrier);
        }
        return Behaviors.same();
      }), "applier-" + seq + "-" + id);
      appliers.put(id, applierRef);
      ActorRef<Committed> applier = applierRef.narrow();
      long memberId = id;
      RaftStatusSink sink = status -> {
        statuses.put(memberId, status);
        if (status.isLeader()) {
          leadersByTerm.computeIfAbsent(status.term(), t -> ConcurrentHashMap.newKeySet()).add(memberId);
        }
      };
      AtomicLong counter = new AtomicLong();
      received.put(id, counter);
      ActorRef<Object> node = kit.spawn(counting(counter, RaftNode.create(settings, store, network.transport(id),
          applier, sink, RaftSnapshots.NONE, randoms.apply(id), tickTimer)), "raft-" + seq + "-" + id);
      stores.put(id, store);
      applied.put(id, appliedEntries);
      nodes.put(id, node);
    }
  }

  private static Behavior<Object> counting(AtomicLong counter, Behavior<Object> behavior) {
    return Behaviors.intercept(() -> new BehaviorInterceptor<Object, Object>(Object.class) {
      @Override
      public Behavior<Object> aroundReceive(TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
        counter.incrementAndGet();
        return target.apply(ctx, msg);
      }
    }, behavior);
  }

  /**
   * Waits until node id has an empty mailbox, self-messages (Flush, persisted appends) included: two
   * Inspects in a row with nothing processed between them. Only the test and a held network (see
   * {@link InMemoryNetwork#holdMessages()}) may send to the node meanwhile, or the answer means nothing.
   */
  void quiesce(long id) {
    AtomicLong counter = received.get(id);
    inspect(id);
    long before = counter.get();
    for (int round = 0; round < 1000; round++) {
      inspect(id);
      long after = counter.get();
      if (after == before + 1) { // only the Inspect itself
        return;
      }
      before = after;
    }
    throw new AssertionError("node " + id + " never went quiet");
  }

  /**
   * Delivers the oldest message of a pending link picked by random (links in a fixed order, so the pick is a
   * function of the Random), then lets the receiver go quiet. False if nothing was pending.
   */
  boolean deliverOne(Random random) {
    List<InMemoryNetwork.Link> links = network.pendingLinks();
    if (links.isEmpty()) {
      return false;
    }
    InMemoryNetwork.Link link = links.get(random.nextInt(links.size()));
    if (network.deliverNext(link)) {
      quiesce(link.to());
    }
    return true;
  }

  InMemoryRaftLogStore store(long id) {
    return stores.get(id);
  }

  List<CommittedEntry> appliedEntries(long id) {
    return applied.get(id);
  }

  void tick(long id, int ticks) {
    for (int i = 0; i < ticks; i++) {
      nodes.get(id).tell(RaftNode.Tick.INSTANCE);
    }
  }

  void campaign(long id) {
    nodes.get(id).tell(RaftNode.Campaign.INSTANCE);
  }

  void propose(long id, long entryId) {
    nodes.get(id).tell(new LogCommand.Propose(LogEntry.newBuilder().setId(entryId).build()));
  }

  void readIndex(long id, ActorRef<LogCommand.ReadIndexReply> replyTo) {
    nodes.get(id).tell(new LogCommand.ReadIndex(replyTo));
  }

  RaftNode.NodeState inspect(long id) {
    TestProbe<RaftNode.NodeState> probe = kit.createTestProbe();
    nodes.get(id).tell(new RaftNode.Inspect(probe.getRef()));
    return probe.receiveMessage(AWAIT);
  }

  /** Campaigns on id and waits until every member in followers follows it. */
  void elect(long id, long... followers) {
    campaign(id);
    awaitLeader(id, followers);
  }

  void awaitLeader(long leader, long... followers) {
    await(() -> {
      RaftNodeStatus status = statuses.get(leader);
      assertTrue(status != null && status.isLeader(), "not leader yet: " + status);
      for (long follower : followers) {
        RaftNodeStatus s = statuses.get(follower);
        assertTrue(s != null && s.leaderId() == leader && s.term() == status.term(),
            follower + " does not follow " + leader + ": " + s);
      }
    });
  }

  /**
   * Cuts the leader {@code old} off and lets {@code next} win the election with {@code other}'s vote, in a
   * {@link #staggered} cluster of three: {@code other} first waits out the old leader's lease (etcd's
   * check-quorum: it grants no vote before an election timeout without the leader), E ticks being below its
   * own timeout, then {@code next} reaches its timeout (E + 2·next) and campaigns.
   */
  void electAfterIsolating(long old, long next, long other) {
    network.isolate(old);
    tick(other, ELECTION_TICKS);
    inspect(other);
    tick(next, ELECTION_TICKS + 2 * (int) next);
    awaitLeader(next, other);
  }

  /** Retries the assertion until it holds, at most {@link #AWAIT}. */
  void await(Runnable assertion) {
    TestProbe<Object> probe = kit.createTestProbe();
    probe.awaitAssert(AWAIT, () -> {
      assertion.run();
      return null;
    });
  }

  /** Waits until the network delivered a message matching filter. */
  void awaitDelivered(java.util.function.Predicate<io.cairn.api.raft.RaftMessage> filter) {
    await(() -> assertTrue(!network.delivered(filter).isEmpty(), "not delivered yet"));
  }

  /** The ids of the proposals applied on a member (the leaders' no-op entries left out), in order. */
  List<Long> appliedIds(long id) {
    return applied.get(id).stream().map(e -> e.entry().getId()).filter(x -> x != 0).toList();
  }

  void awaitApplied(List<Long> expectedIds, long... members) {
    await(() -> {
      for (long member : members) {
        org.junit.jupiter.api.Assertions.assertEquals(expectedIds, appliedIds(member), "applied on " + member);
      }
    });
  }

  private record ApplierBarrier(ActorRef<Object> replyTo) {}

  /**
   * Waits until member id's applier processed everything handed to it so far: whatever the node handed over
   * before a status the test observed has been added to {@link #appliedEntries} when this returns.
   */
  void awaitApplierIdle(long id) {
    TestProbe<Object> probe = kit.createTestProbe();
    appliers.get(id).tell(new ApplierBarrier(probe.getRef()));
    probe.expectMessageClass(ApplierBarrier.class, AWAIT);
  }

  void awaitCommit(long id, long index) {
    await(() -> {
      RaftNodeStatus s = statuses.get(id);
      assertTrue(s != null && s.commitIndex() >= index, id + " has not committed " + index + ": " + s);
    });
  }

  void stop() {
    nodes.values().forEach(kit::stop);
  }

  /** A Random whose every draw is the same offset (capped to the bound): fixes each node's election timeout. */
  static final class FixedRandom extends Random {
    private final int offset;

    FixedRandom(int offset) {
      this.offset = offset;
    }

    @Override
    public int nextInt(int bound) {
      return Math.min(offset, bound - 1);
    }
  }
}
