package io.cairn.bench;

import java.io.PrintStream;
import java.util.concurrent.atomic.LongAdder;

/**
 * A progress bar on stderr, redrawn a few times a second, only when stderr is a terminal (never in logs or
 * pipes, so scripted runs keep clean output).
 */
final class Progress implements AutoCloseable {
  private static final int WIDTH = 50;
  private final long total;
  private final LongAdder done = new LongAdder();
  private final PrintStream out;
  private final Thread painter;
  private volatile boolean closed;

  Progress(long total, boolean enabled) {
    this.total = total;
    this.out = System.err;
    if (enabled && total > 0) {
      painter = new Thread(this::paintLoop, "bench-progress");
      painter.setDaemon(true);
      painter.start();
    } else {
      painter = null;
    }
  }

  static boolean terminal() {
    return System.console() != null;
  }

  void tick() {
    done.increment();
  }

  private void paintLoop() {
    while (!closed) {
      paint();
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void paint() {
    out.print("\r" + bar(done.sum(), total));
    out.flush();
  }

  static String bar(long done, long total) {
    long d = Math.min(done, total);
    int filled = (int) (d * WIDTH / total);
    return String.format(" %d / %d [%s%s] %3d%%", d, total, "=".repeat(filled), " ".repeat(WIDTH - filled),
        d * 100 / total);
  }

  @Override
  public void close() {
    closed = true;
    if (painter != null) {
      painter.interrupt();
      try {
        painter.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      paint();
      out.println();
    }
  }
}
