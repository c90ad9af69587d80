package io.cairn.member;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import io.cairn.raft.Committed;
import io.cairn.raft.LogCommand;
import io.cairn.raft.SingleMemberLog;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The member's actors under one parent, so that stopping the member stops them all: the applier (on its
 * own dispatcher), the consensus log feeding it, and the auto-compactor if configured.
 */
final class MemberGuardian {
  /** Cap on one committed batch: entries, and bytes (above etcd's 1.5 MiB max request, so one always fits). */
  static final int MAX_BATCH_ENTRIES = 512;
  static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;

  enum Stop {
    INSTANCE
  }

  private MemberGuardian() {}

  static Behavior<Stop> create(
      Behavior<Committed> applier,
      long term,
      long lastIndex,
      Optional<Behavior<AutoCompactor.Command>> compactor,
      CompletableFuture<ActorRef<LogCommand>> logRef,
      CompletableFuture<Void> stopped) {
    return Behaviors.setup(
        ctx -> {
          try {
            return spawnChildren(ctx, applier, term, lastIndex, compactor, logRef, stopped);
          } catch (RuntimeException e) {
            logRef.completeExceptionally(e); // e.g. the applier dispatcher missing from the config
            throw e;
          }
        });
  }

  private static Behavior<Stop> spawnChildren(
      akka.actor.typed.javadsl.ActorContext<Stop> ctx,
      Behavior<Committed> applier,
      long term,
      long lastIndex,
      Optional<Behavior<AutoCompactor.Command>> compactor,
      CompletableFuture<ActorRef<LogCommand>> logRef,
      CompletableFuture<Void> stopped) {
          ActorRef<Committed> applierRef =
              ctx.spawn(applier, "applier", DispatcherSelector.fromConfig(Applier.DISPATCHER));
          ActorRef<LogCommand> log =
              ctx.spawn(
                  SingleMemberLog.create(term, lastIndex, applierRef, MAX_BATCH_ENTRIES, MAX_BATCH_BYTES), "log");
          compactor.ifPresent(c -> ctx.spawn(c, "compactor"));
          logRef.complete(log);
          return Behaviors.receive(Stop.class)
              .onMessageEquals(Stop.INSTANCE, () -> Behaviors.stopped(() -> stopped.complete(null)))
              .build();
  }
}
