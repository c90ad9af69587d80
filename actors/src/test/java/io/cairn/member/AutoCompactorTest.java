package io.cairn.member;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AutoCompactorTest {
  private final ActorTestKit kit = ActorTestKit.create(ManualTime.config());
  private final ManualTime time = ManualTime.get(kit.system());
  private final AtomicLong revision = new AtomicLong(1);
  private final LinkedBlockingQueue<Long> compactions = new LinkedBlockingQueue<>();
  /** One element per revision sample the compactor takes: the way to know a tick was handled. */
  private final LinkedBlockingQueue<Long> samples = new LinkedBlockingQueue<>();

  private long sampleRevision() {
    long r = revision.get();
    samples.add(r);
    return r;
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private CompletableFuture<?> compact(long rev) {
    compactions.add(rev);
    return CompletableFuture.completedFuture(null);
  }

  /** Advances one tick at a time, letting the actor sample in between (as time passes for etcd). */
  private void advance(Duration step, int steps, long revisionsPerStep) throws InterruptedException {
    for (int i = 0; i < steps; i++) {
      revision.addAndGet(revisionsPerStep);
      time.timePasses(step);
      // the actor runs asynchronously: wait until it has sampled on this tick
      assertTrue(samples.poll(5, TimeUnit.SECONDS) != null, "no sample on tick " + i);
    }
  }

  @Test
  void periodicCompactsToTheRevisionOfOneRetentionAgo() throws Exception {
    kit.spawn(AutoCompactor.fromConfig("periodic", "10m", this::sampleRevision, this::compact).orElseThrow());
    assertEquals(1L, samples.poll(5, TimeUnit.SECONDS)); // the sample at start
    // samples every 1m; at 10m it compacts to the revision sampled at 0m (1)
    advance(Duration.ofMinutes(1), 9, 10);
    assertTrue(compactions.isEmpty());
    advance(Duration.ofMinutes(1), 1, 10);
    assertEquals(1L, compactions.poll(5, TimeUnit.SECONDS));
    // the next one a period later, to the revision sampled 10 minutes before
    advance(Duration.ofMinutes(1), 10, 10);
    long rev = compactions.poll(5, TimeUnit.SECONDS);
    assertTrue(rev > 1 && rev < revision.get(), "compacted to " + rev);
  }

  @Test
  void revisionModeCompactsEveryFiveMinutesToCurrentMinusRetention() throws Exception {
    kit.spawn(AutoCompactor.fromConfig("revision", "100", revision::get, this::compact).orElseThrow());
    revision.set(1000);
    time.timePasses(Duration.ofMinutes(5));
    assertEquals(900L, compactions.poll(5, TimeUnit.SECONDS));
  }

  @Test
  void zeroRetentionDisables() {
    assertTrue(AutoCompactor.fromConfig("periodic", "0", revision::get, this::compact).isEmpty());
    assertTrue(AutoCompactor.fromConfig("revision", "0", revision::get, this::compact).isEmpty());
  }

  @Test
  void goDurationsAsEtcdLogsThem() {
    assertEquals("1h0m0s", GoDuration.format(Duration.ofHours(1)));
    assertEquals("5m0s", GoDuration.format(GoDuration.parse("5m")));
    assertEquals("1h30m0s", GoDuration.format(GoDuration.parse("1h30m")));
  }
}
