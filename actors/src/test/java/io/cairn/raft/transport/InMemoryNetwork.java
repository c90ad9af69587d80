package io.cairn.raft.transport;

import akka.actor.typed.ActorRef;
import io.cairn.api.raft.RaftMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A test network between in-process Raft nodes: delivers each message at once (FIFO per sender/receiver
 * pair, as Akka guarantees) unless a rule drops it: isolation of a member, partitions, predicates, or a
 * seeded random loss rate. Records what it delivered (bounded) so tests can wait for a message to have
 * arrived.
 *
 * <p>In held mode ({@link #holdMessages()}) nothing is delivered at once: each message waits in the FIFO
 * queue of its (from, to) link until the test delivers it with {@link #deliverNext(Link)}, and the rules
 * (isolation, partitions, drops, seeded loss) are applied at that moment. A test that delivers one message
 * at a time and waits for its receiver to go quiet makes a whole run a deterministic function of its seeds.
 */
public final class InMemoryNetwork {

  private static final int MAX_RECORDED = 100_000;

  private final Map<Long, ActorRef<RaftMessage>> inbound = new ConcurrentHashMap<>();
  private final Set<Long> isolated = ConcurrentHashMap.newKeySet();
  private final Map<Long, Integer> partitionOf = new ConcurrentHashMap<>();
  private final List<Predicate<RaftMessage>> dropRules = new CopyOnWriteArrayList<>();
  private final List<RaftMessage> delivered = new ArrayList<>();
  private Random lossRandom;
  private double lossRate;
  private volatile boolean held;
  private final Map<Link, java.util.ArrayDeque<RaftMessage>> pending = new java.util.TreeMap<>();

  /** A directed link between two members; ordered so that tests can pick links deterministically. */
  public record Link(long from, long to) implements Comparable<Link> {
    @Override
    public int compareTo(Link o) {
      return from != o.from ? Long.compare(from, o.from) : Long.compare(to, o.to);
    }
  }

  /** The transport of one member. */
  public RaftTransport transport(long memberId) {
    return new RaftTransport() {
      @Override
      public void send(RaftMessage message) {
        if (message.getFrom() != memberId) {
          throw new IllegalArgumentException("member " + memberId + " sent as " + message.getFrom());
        }
        InMemoryNetwork.this.send(message);
      }

      @Override
      public void deliverTo(ActorRef<RaftMessage> ref) {
        inbound.put(memberId, ref);
      }
    };
  }

  private void send(RaftMessage message) {
    if (held) {
      synchronized (pending) {
        pending.computeIfAbsent(new Link(message.getFrom(), message.getTo()), l -> new java.util.ArrayDeque<>())
            .add(message);
      }
      return;
    }
    deliver(message);
  }

  /** Delivers message now unless a rule drops it; true if it reached its target's mailbox. */
  private boolean deliver(RaftMessage message) {
    ActorRef<RaftMessage> target = inbound.get(message.getTo());
    if (target == null || blocked(message.getFrom(), message.getTo()) || dropped(message)) {
      return false;
    }
    target.tell(message);
    synchronized (delivered) {
      if (delivered.size() < MAX_RECORDED) {
        delivered.add(message);
      }
    }
    return true;
  }

  /** From now on, messages wait for {@link #deliverNext(Link)} (see the class comment). */
  public void holdMessages() {
    held = true;
  }

  /** The links with messages waiting, in (from, to) order. */
  public List<Link> pendingLinks() {
    synchronized (pending) {
      return pending.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }
  }

  /**
   * Takes the oldest message waiting on link and delivers it unless a rule drops it now (the rules' seeded
   * loss is drawn here, in the test's order). True if it reached its target's mailbox.
   */
  public boolean deliverNext(Link link) {
    RaftMessage message;
    synchronized (pending) {
      java.util.ArrayDeque<RaftMessage> queue = pending.get(link);
      message = queue == null ? null : queue.poll();
    }
    return message != null && deliver(message);
  }

  private boolean blocked(long from, long to) {
    if (isolated.contains(from) || isolated.contains(to)) {
      return true;
    }
    Integer fromGroup = partitionOf.get(from);
    Integer toGroup = partitionOf.get(to);
    return fromGroup != null && toGroup != null && !fromGroup.equals(toGroup);
  }

  private boolean dropped(RaftMessage message) {
    for (Predicate<RaftMessage> rule : dropRules) {
      if (rule.test(message)) {
        return true;
      }
    }
    synchronized (this) {
      return lossRandom != null && lossRandom.nextDouble() < lossRate;
    }
  }

  /** Cuts a member off from everyone (both directions). */
  public void isolate(long memberId) {
    isolated.add(memberId);
  }

  /** Reconnects one isolated member. */
  public void rejoin(long memberId) {
    isolated.remove(memberId);
  }

  /** Only members in the same group talk to each other (members in no group talk to everyone). */
  @SafeVarargs
  public final void partition(Set<Long>... groups) {
    partitionOf.clear();
    for (int i = 0; i < groups.length; i++) {
      for (long id : groups[i]) {
        partitionOf.put(id, i);
      }
    }
  }

  /** Drops every message matching rule until {@link #heal()}. */
  public void drop(Predicate<RaftMessage> rule) {
    dropRules.add(rule);
  }

  /** Loses each message with probability rate, drawn from a seeded Random. */
  public synchronized void loseRandomly(double rate, long seed) {
    lossRate = rate;
    lossRandom = new Random(seed);
  }

  /** Removes every isolation, partition, drop rule and loss. */
  public void heal() {
    isolated.clear();
    partitionOf.clear();
    dropRules.clear();
    synchronized (this) {
      lossRandom = null;
    }
  }

  /** The delivered messages matching filter, in delivery order. */
  public List<RaftMessage> delivered(Predicate<RaftMessage> filter) {
    synchronized (delivered) {
      return delivered.stream().filter(filter).toList();
    }
  }

  public Set<Long> members() {
    return new HashSet<>(inbound.keySet());
  }
}
