package io.cairn.launcher;

import java.util.concurrent.CountDownLatch;

/** Keeps a proxy command (gateway, grpc-proxy) in the foreground until SIGTERM/SIGINT, as etcd's do. */
public final class Foreground {
  private Foreground() {}

  /** Blocks until the JVM is asked to stop; {@code onStop} runs on the shutdown hook's thread first. */
  public static void runUntilSignalled(String name, Runnable onStop) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        onStop.run();
      } finally {
        stopped.countDown();
      }
    }, name + "-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
