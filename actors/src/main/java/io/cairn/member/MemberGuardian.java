package io.cairn.member;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import io.cairn.launcher.config.CapnslogMarkers;
import io.cairn.raft.LogCommand;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member's actors under one parent, so that stopping the member stops them all: the applier (on its
 * own dispatcher), the Raft node feeding it, and the auto-compactor if configured.
 */
final class MemberGuardian {

  private static final Logger LOG = LoggerFactory.getLogger("etcdserver");

  enum Stop {
    INSTANCE
  }

  private MemberGuardian() {}

  /**
   * @param consensus the Raft node's behavior, given the applier it hands committed batches and snapshots to
   * @param logRef completed with the Raft node once spawned (or failed if spawning fails)
   */
  static Behavior<Stop> create(
      Behavior<Object> applier,
      Function<ActorRef<Object>, Behavior<LogCommand>> consensus,
      Optional<Behavior<AutoCompactor.Command>> compactor,
      CompletableFuture<ActorRef<LogCommand>> logRef,
      CompletableFuture<Void> stopped) {
    return Behaviors.setup(
        ctx -> {
          try {
            return spawnChildren(ctx, applier, consensus, compactor, logRef, stopped);
          } catch (RuntimeException e) {
            logRef.completeExceptionally(e); // e.g. the applier dispatcher missing from the config
            throw e;
          }
        });
  }

  private static Behavior<Stop> spawnChildren(
      ActorContext<Stop> ctx,
      Behavior<Object> applier,
      Function<ActorRef<Object>, Behavior<LogCommand>> consensus,
      Optional<Behavior<AutoCompactor.Command>> compactor,
      CompletableFuture<ActorRef<LogCommand>> logRef,
      CompletableFuture<Void> stopped) {
    ActorRef<Object> applierRef = ctx.spawn(applier, "applier", DispatcherSelector.fromConfig(Applier.DISPATCHER));
    ActorRef<LogCommand> raft = ctx.spawn(consensus.apply(applierRef), "raft");
    ctx.watch(raft);
    ctx.watch(applierRef);
    compactor.ifPresent(c -> ctx.spawn(c, "compactor"));
    logRef.complete(raft);
    return Behaviors.receive(Stop.class)
        .onMessageEquals(Stop.INSTANCE, () -> Behaviors.stopped(() -> stopped.complete(null)))
        .onSignal(Terminated.class, t -> {
          // The Raft node stops when its log cannot be written, the applier when the store cannot (etcd
          // panics in both cases): the member cannot go on, every request will time out.
          LOG.error(CapnslogMarkers.CRITICAL, "{} stopped; the member cannot make progress", t.getRef().path().name());
          return Behaviors.same();
        })
        .build();
  }
}
