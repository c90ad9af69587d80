package io.cairn.raft.transport;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import io.cairn.api.raft.RaftMessage;
import io.cairn.member.cluster.ClusterPlan;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raft messages between members over Akka Artery, protobuf-serialized.
 *
 * <p>Each member runs a {@link RaftReceiver} at {@value #RECEIVER_PATH}; a peer is addressed by the ActorRef
 * resolved from "akka://cairn@host:port/system/raft-transport" without an actor UID, so the receiver resolves the
 * path on every delivery: it reaches whichever incarnation of the peer now runs at that address (a restarted
 * member needs no re-resolution), needs no cluster membership (unlike the Receptionist, whose registrations
 * travel by cluster gossip and lag restarts), and, unlike an ActorSelection, is eligible for Artery's
 * large-message stream (cairn-cluster.conf).
 *
 * <p>Bounded and never blocking: tell() only enqueues into the peer's Artery association queue
 * (outbound-large-message-queue-size), which drops when full, also while the peer is down or still
 * handshaking. Messages larger than {@link #maxMessageBytes()} are dropped here, as Artery would fail them.
 */
public final class ClusterTransport implements RaftTransport {
  public static final String RECEIVER_NAME = "raft-transport";
  public static final String RECEIVER_PATH = "/system/" + RECEIVER_NAME;
  /** Room for Artery's envelope (header, recipient and sender paths, manifest) within a frame. */
  static final int ENVELOPE_HEADROOM_BYTES = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ClusterTransport.class);

  private final long clusterId;
  private final long selfId;
  private final Map<Long, ActorRef<RaftMessage>> peers;
  private final Map<Long, String> peerUrls = new java.util.concurrent.ConcurrentHashMap<>();
  private final ActorRefResolver resolver;
  private final ActorRef<RaftMessage> receiver;
  private final AtomicReference<ActorRef<RaftMessage>> inbound;
  private final int maxMessageBytes;
  private final LongAdder droppedOutbound = new LongAdder();
  private final LongAdder droppedInbound;

  private ClusterTransport(
      long clusterId,
      long selfId,
      Map<Long, ActorRef<RaftMessage>> peers,
      ActorRef<RaftMessage> receiver,
      AtomicReference<ActorRef<RaftMessage>> inbound,
      int maxMessageBytes,
      LongAdder droppedInbound,
      ActorRefResolver resolver) {
    this.resolver = resolver;
    this.clusterId = clusterId;
    this.selfId = selfId;
    this.peers = peers;
    this.receiver = receiver;
    this.inbound = inbound;
    this.maxMessageBytes = maxMessageBytes;
    this.droppedInbound = droppedInbound;
  }

  /**
   * Spawns this member's receiver and resolves every peer. Call once per ActorSystem, which must have been created
   * with {@link io.cairn.member.cluster.ClusterSystemConfig#overlay}; it need not be a cluster member yet.
   */
  public static ClusterTransport start(ActorSystem<?> system, ClusterPlan plan) {
    ClusterTransport transport = start(system, plan.clusterId(), plan.selfId());
    Map<Long, String> urls = new HashMap<>();
    for (ClusterPlan.Member peer : plan.peers()) {
      urls.put(peer.id(), peer.peerUrls().get(0));
    }
    transport.updatePeers(urls);
    return transport;
  }

  /**
   * Spawns this member's receiver, with no peers yet ({@link #updatePeers}): the IDs are the cluster's as this
   * member knows them (a member that joined an existing cluster has IDs its flags do not derive).
   */
  public static ClusterTransport start(ActorSystem<?> system, long clusterId, long selfId) {
    AtomicReference<ActorRef<RaftMessage>> inbound = new AtomicReference<>();
    LongAdder droppedInbound = new LongAdder();
    ActorRef<RaftMessage> receiver = system.systemActorOf(
        RaftReceiver.create(clusterId, selfId, inbound, droppedInbound), RECEIVER_NAME, Props.empty());
    ActorRefResolver resolver = ActorRefResolver.get(system);
    Map<Long, ActorRef<RaftMessage>> peers = new HashMap<>();
    long frameBytes =
        system.settings().config().getBytes("akka.remote.artery.advanced.maximum-large-frame-size");
    int maxMessageBytes = (int) Math.max(0, frameBytes - ENVELOPE_HEADROOM_BYTES);
    return new ClusterTransport(
        clusterId, selfId, new java.util.concurrent.ConcurrentHashMap<>(peers), receiver, inbound,
        maxMessageBytes, droppedInbound, resolver);
  }

  /**
   * The members Raft may send to now, by ID with the peer URL they are reached at (the configuration changed,
   * or the cluster a joining member fetched replaced the flags'). Members not listed are forgotten.
   */
  public void updatePeers(Map<Long, String> urls) {
    for (Map.Entry<Long, String> e : urls.entrySet()) {
      if (e.getKey() == selfId || e.getValue().equals(peerUrls.get(e.getKey()))) {
        continue;
      }
      String address = io.cairn.member.cluster.PeerAddress.of(e.getValue()).akkaAddress();
      peers.put(e.getKey(), resolver.resolveActorRef(address + RECEIVER_PATH));
      peerUrls.put(e.getKey(), e.getValue());
    }
    peers.keySet().removeIf(id -> !urls.containsKey(id));
    peerUrls.keySet().removeIf(id -> !urls.containsKey(id));
  }

  @Override
  public void send(RaftMessage message) {
    if (message.getClusterId() != clusterId) {
      drop(message, "cluster id " + Long.toHexString(message.getClusterId()) + " is not this cluster's");
      return;
    }
    if (message.getTo() == selfId) {
      // Never over the network: straight to our own receiver, with the same checks as remote messages.
      receiver.tell(message);
      return;
    }
    ActorRef<RaftMessage> peer = peers.get(message.getTo());
    if (peer == null) {
      drop(message, "no such member");
      return;
    }
    int bytes = message.getSerializedSize();
    if (bytes > maxMessageBytes) {
      drop(message, bytes + " bytes exceed the " + maxMessageBytes + "-byte limit");
      return;
    }
    peer.tell(message);
  }

  @Override
  public void deliverTo(ActorRef<RaftMessage> target) {
    inbound.set(target);
  }

  /** Largest serialized RaftMessage sent; the Raft node caps AppendEntries and snapshot chunks below it. */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** Messages dropped here before reaching Artery (Artery's own queue-full drops go to dead letters). */
  public long droppedOutbound() {
    return droppedOutbound.sum();
  }

  /** Inbound messages dropped: another cluster, another member, or before {@link #deliverTo}. */
  public long droppedInbound() {
    return droppedInbound.sum();
  }

  private void drop(RaftMessage message, String why) {
    droppedOutbound.increment();
    LOG.debug("dropped Raft message to {}: {}", Long.toHexString(message.getTo()), why);
  }
}
