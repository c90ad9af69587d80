package io.cairn.persistence.mvcc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The physical half of a compaction, on one background thread (etcd's {@code scheduleCompaction}):
 * deletes the revision records at or below the compaction revision that the key index no longer holds,
 * {@code batchLimit} records per LevelDB write so the store stays responsive, then records the
 * compaction as finished. Reads never need the records it deletes: the index was compacted first, and
 * readers pin a LevelDB snapshot.
 *
 * <p>A restart in the middle simply runs the job again from the start (deletes are idempotent): the
 * scheduled revision is persisted with the batch that applied the compaction.
 */
final class Compactor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

  private record Job(long revision, Set<Revision> keep) {}

  private static final Job STOP = new Job(-1, Set.of());

  private final DB db;
  private final int batchLimit;
  private final AtomicLong liveBytes;
  /** Test hook: called with the chunk number after each chunk; false abandons the job (a "crash"). */
  private final IntPredicate afterChunk;

  private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean stopped;

  private final Object lock = new Object();
  private long finished;
  private final List<Map.Entry<Long, CompletableFuture<Void>>> waiters = new ArrayList<>();

  Compactor(DB db, int batchLimit, AtomicLong liveBytes, long finished, IntPredicate afterChunk) {
    this.db = db;
    this.batchLimit = batchLimit;
    this.liveBytes = liveBytes;
    this.finished = finished;
    this.afterChunk = afterChunk;
    this.thread = new Thread(this::run, "cairn-mvcc-compactor");
    thread.setDaemon(true);
    thread.start();
  }

  void schedule(long revision, Set<Revision> keep) {
    queue.add(new Job(revision, keep));
  }

  /** Completes once a compaction at or above {@code revision} has been physically applied. */
  CompletableFuture<Void> whenFinished(long revision) {
    synchronized (lock) {
      if (finished >= revision) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      waiters.add(Map.entry(revision, f));
      return f;
    }
  }

  long finishedRevision() {
    synchronized (lock) {
      return finished;
    }
  }

  private void run() {
    while (!stopped) {
      Job job;
      try {
        job = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (job == STOP || stopped) {
        return;
      }
      try {
        if (compact(job)) {
          done(job.revision());
        }
      } catch (RuntimeException e) {
        // The job stays scheduled on disk and runs again at the next open.
        LOG.error("compaction at revision {} failed", job.revision(), e);
      }
    }
  }

  /** Returns true when the job ran to its end. */
  private boolean compact(Job job) {
    byte[] end = LevelDbKeys.revSeek(job.revision() + 1);
    byte[] from = LevelDbKeys.revSeek(0);
    for (int chunk = 1; ; chunk++) {
      if (stopped) {
        return false;
      }
      int seen = 0;
      long freed = 0;
      byte[] last = null;
      try (WriteBatch wb = db.createWriteBatch()) {
        try (DBIterator it = db.iterator()) {
          it.seek(from);
          while (seen < batchLimit && it.hasNext()) {
            Map.Entry<byte[], byte[]> e = it.next();
            byte[] k = e.getKey();
            if (Arrays.compareUnsigned(k, end) >= 0) {
              break;
            }
            seen++;
            last = k;
            if (!job.keep().contains(LevelDbKeys.parseRev(k))) {
              wb.delete(k);
              freed += k.length + e.getValue().length;
            }
          }
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
        db.write(wb);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      liveBytes.addAndGet(-freed);
      if (seen < batchLimit) {
        db.put(LevelDbKeys.FINISHED_COMPACT, LevelDbKeys.longBytes(job.revision()));
        return true;
      }
      from = Arrays.copyOf(last, last.length + 1); // the smallest key after `last`
      if (!afterChunk.test(chunk)) {
        return false;
      }
    }
  }

  private void done(long revision) {
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (lock) {
      finished = Math.max(finished, revision);
      for (Iterator<Map.Entry<Long, CompletableFuture<Void>>> it = waiters.iterator(); it.hasNext(); ) {
        Map.Entry<Long, CompletableFuture<Void>> w = it.next();
        if (w.getKey() <= finished) {
          ready.add(w.getValue());
          it.remove();
        }
      }
    }
    ready.forEach(f -> f.complete(null));
  }

  /** Stops after the chunk in progress; an unfinished job resumes at the next open. */
  @Override
  public void close() {
    stopped = true;
    queue.add(STOP);
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<CompletableFuture<Void>> abandoned = new ArrayList<>();
    synchronized (lock) {
      waiters.forEach(w -> abandoned.add(w.getValue()));
      waiters.clear();
    }
    abandoned.forEach(f -> f.completeExceptionally(new IllegalStateException("store closed")));
  }
}
