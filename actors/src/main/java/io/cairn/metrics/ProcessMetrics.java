package io.cairn.metrics;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The process_* series every Go program's Prometheus client exports, etcd's included (client_golang's process
 * collector), under the same names: Micrometer's binders name them differently (process_cpu_usage,
 * process_files_open_files). Read at scrape time; a figure the platform does not give is left out, not guessed.
 */
final class ProcessMetrics implements MeterBinder {
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  @Override
  public void bindTo(MeterRegistry registry) {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      FunctionCounter.builder("process.cpu.seconds", os,
              o -> o.getProcessCpuTime() / (double) TimeUnit.SECONDS.toNanos(1))
          .description("Total user and system CPU time spent in seconds.")
          .register(registry);
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
      Gauge.builder("process.open.fds", unix, UnixOperatingSystemMXBean::getOpenFileDescriptorCount)
          .description("Number of open file descriptors.")
          .register(registry);
      Gauge.builder("process.max.fds", unix, UnixOperatingSystemMXBean::getMaxFileDescriptorCount)
          .description("Maximum number of open file descriptors.")
          .register(registry);
    }
    if (Files.isReadable(PROC_STATUS)) {
      Gauge.builder("process.resident.memory.bytes", () -> procStatusBytes("VmRSS:"))
          .description("Resident memory size in bytes.")
          .register(registry);
      Gauge.builder("process.virtual.memory.bytes", () -> procStatusBytes("VmSize:"))
          .description("Virtual memory size in bytes.")
          .register(registry);
    }
  }

  /** A "VmRSS:   1234 kB" line of /proc/self/status in bytes; NaN (the series shows NaN) when it is missing. */
  static double procStatusBytes(String field) {
    try {
      for (String line : Files.readAllLines(PROC_STATUS)) {
        if (line.startsWith(field)) {
          String[] parts = line.substring(field.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the series reads NaN
    }
    return Double.NaN;
  }
}
