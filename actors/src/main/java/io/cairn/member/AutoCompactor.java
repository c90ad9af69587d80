package io.cairn.member;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd 3.4's compactor (etcdserver/api/v3compactor), proposing Compaction requests through the log:
 *
 * <ul>
 *   <li>periodic: samples the revision every retry interval (min(retention, 1h) / 10), keeps the samples of
 *       the last retention, and once retention has passed since the last success (at first: since start)
 *       compacts to the oldest sample, i.e. the revision of a retention ago (periodic.go);
 *   <li>revision: every 5 minutes compacts to current − retention when that is positive and new
 *       (revision.go).
 * </ul>
 *
 * Time is Akka timers only, so tests drive it with ManualTime.
 */
public final class AutoCompactor {
  private static final Logger LOG = LoggerFactory.getLogger("compactor");
  /** etcd revision.go revInterval. */
  static final Duration REVISION_MODE_INTERVAL = Duration.ofMinutes(5);
  /** etcd periodic.go retryDivisor. */
  static final int RETRY_DIVISOR = 10;

  public sealed interface Command {}

  enum Tick implements Command {
    INSTANCE
  }

  record Done(long revision, Throwable error) implements Command {}

  private AutoCompactor() {}

  /**
   * The compactor etcd would run for --auto-compaction-mode/--auto-compaction-retention, or empty when
   * retention is "0". Periodic retention is hours when an integer, else a Go duration.
   *
   * @throws IllegalArgumentException for an unknown mode or a bad retention
   */
  public static Optional<Behavior<Command>> fromConfig(
      String mode, String retention, LongSupplier currentRevision, LongFunction<CompletionStage<?>> compact) {
    String m = mode == null || mode.isBlank() ? "periodic" : mode;
    String r = retention == null || retention.isBlank() ? "0" : retention.trim();
    switch (m) {
      case "periodic" -> {
        Duration period;
        try {
          period = Duration.ofHours(Long.parseLong(r));
        } catch (NumberFormatException notHours) {
          period = GoDuration.parse(r);
        }
        return period.isZero() || period.isNegative()
            ? Optional.empty()
            : Optional.of(periodic(period, currentRevision, compact));
      }
      case "revision" -> {
        long revisions = Long.parseLong(r);
        return revisions <= 0 ? Optional.empty() : Optional.of(revision(revisions, currentRevision, compact));
      }
      default -> throw new IllegalArgumentException("unknown auto-compaction mode " + m);
    }
  }

  public static Behavior<Command> periodic(
      Duration period, LongSupplier currentRevision, LongFunction<CompletionStage<?>> compact) {
    Duration compactInterval = period.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : period;
    Duration retryInterval = compactInterval.dividedBy(RETRY_DIVISOR);
    int retentions = (int) (period.toNanos() / retryInterval.toNanos()) + 1;
    long initialTicks = ceilDiv(period, retryInterval);
    long laterTicks = ceilDiv(compactInterval, retryInterval);
    return Behaviors.withTimers(
        timers -> {
          timers.startTimerWithFixedDelay(Tick.INSTANCE, retryInterval);
          ArrayDeque<Long> revs = new ArrayDeque<>();
          revs.add(currentRevision.getAsLong());
          return new Periodic(period, retentions, initialTicks, laterTicks, revs, currentRevision, compact).behavior();
        });
  }

  public static Behavior<Command> revision(
      long retention, LongSupplier currentRevision, LongFunction<CompletionStage<?>> compact) {
    return Behaviors.withTimers(
        timers -> {
          timers.startTimerWithFixedDelay(Tick.INSTANCE, REVISION_MODE_INTERVAL);
          return revisionBehavior(retention, 0, false, currentRevision, compact);
        });
  }

  private static Behavior<Command> revisionBehavior(
      long retention, long prev, boolean inFlight, LongSupplier currentRevision,
      LongFunction<CompletionStage<?>> compact) {
    return Behaviors.receive(Command.class)
        .onMessageEquals(
            Tick.INSTANCE,
            () -> {
              long rev = currentRevision.getAsLong() - retention;
              if (inFlight || rev <= 0 || rev == prev) {
                return Behaviors.same();
              }
              LOG.info("Starting auto-compaction at revision {} (retention: {} revisions)", rev, retention);
              return Behaviors.setup(
                  ctx -> {
                    ctx.pipeToSelf(compact.apply(rev), (ok, err) -> new Done(rev, err));
                    return revisionBehavior(retention, prev, true, currentRevision, compact);
                  });
            })
        .onMessage(
            Done.class,
            done -> {
              if (succeeded(done)) {
                LOG.info("Finished auto-compaction at revision {}", done.revision());
                return revisionBehavior(retention, done.revision(), false, currentRevision, compact);
              }
              LOG.info("Failed auto-compaction at revision {} ({})", done.revision(), cause(done));
              LOG.info("Retry after {}", GoDuration.format(REVISION_MODE_INTERVAL));
              return revisionBehavior(retention, prev, false, currentRevision, compact);
            })
        .build();
  }

  /** periodic.go's loop state, advanced one retry interval per tick. */
  private static final class Periodic {
    private final Duration period;
    private final int retentions;
    private final long laterTicks;
    private final ArrayDeque<Long> revs;
    private final LongSupplier currentRevision;
    private final LongFunction<CompletionStage<?>> compact;
    private long ticksNeeded;
    private long ticksSinceSuccess;
    private boolean inFlight;

    Periodic(Duration period, int retentions, long initialTicks, long laterTicks, ArrayDeque<Long> revs,
        LongSupplier currentRevision, LongFunction<CompletionStage<?>> compact) {
      this.period = period;
      this.retentions = retentions;
      this.ticksNeeded = initialTicks;
      this.laterTicks = laterTicks;
      this.revs = revs;
      this.currentRevision = currentRevision;
      this.compact = compact;
    }

    Behavior<Command> behavior() {
      return Behaviors.setup(
          ctx ->
              Behaviors.receive(Command.class)
                  .onMessageEquals(
                      Tick.INSTANCE,
                      () -> {
                        ticksSinceSuccess++;
                        if (!inFlight && ticksSinceSuccess >= ticksNeeded) {
                          // Wait a whole period the first time, then min(period, 1h) between compactions.
                          ticksNeeded = laterTicks;
                          long rev = revs.peekFirst();
                          LOG.info("Starting auto-compaction at revision {} (retention: {})", rev,
                              GoDuration.format(period));
                          inFlight = true;
                          ctx.pipeToSelf(compact.apply(rev), (ok, err) -> new Done(rev, err));
                        }
                        sample();
                        return Behaviors.same();
                      })
                  .onMessage(
                      Done.class,
                      done -> {
                        inFlight = false;
                        if (succeeded(done)) {
                          ticksSinceSuccess = 0;
                          LOG.info("Finished auto-compaction at revision {}", done.revision());
                        } else {
                          LOG.info("Failed auto-compaction at revision {} ({})", done.revision(), cause(done));
                          LOG.info("Retry after {}", GoDuration.format(period.compareTo(Duration.ofHours(1)) > 0
                              ? Duration.ofHours(1).dividedBy(RETRY_DIVISOR) : period.dividedBy(RETRY_DIVISOR)));
                        }
                        return Behaviors.same();
                      })
                  .build());
    }

    private void sample() {
      revs.addLast(currentRevision.getAsLong());
      while (revs.size() > retentions) {
        revs.removeFirst(); // the head is always the revision of one period ago
      }
    }
  }

  /** etcd counts ErrCompacted (someone compacted further already) as success. */
  private static boolean succeeded(Done done) {
    Throwable e = cause(done);
    return e == null || (e instanceof EtcdException ee && ee.error() == EtcdError.COMPACTED);
  }

  private static Throwable cause(Done done) {
    Throwable e = done.error();
    while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static long ceilDiv(Duration a, Duration b) {
    return Math.max(1, (a.toNanos() + b.toNanos() - 1) / b.toNanos());
  }
}
