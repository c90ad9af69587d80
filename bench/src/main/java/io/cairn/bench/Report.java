package io.cairn.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Latencies (nanoseconds, HdrHistogram at 3 significant digits, recorded wait-free from the Netty threads),
 * errors by message, and the report in etcd benchmark's layout: summary, a 10-bucket histogram between the
 * fastest and the slowest request, the latency distribution, then one machine-readable {@code summary} line
 * of {@code key=value} pairs (milliseconds) for scripts.
 */
final class Report {
  private static final double[] PERCENTILES = {10, 25, 50, 75, 90, 95, 99, 99.9};
  private static final int BUCKETS = 10;
  private static final int BAR_WIDTH = 40;

  private final Histogram latencies = new ConcurrentHistogram(3);
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Map<String, String> extra = new LinkedHashMap<>();

  void record(long latencyNanos) {
    latencies.recordValue(Math.max(1, latencyNanos));
  }

  void error(Throwable t) {
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    errors.computeIfAbsent(message, k -> new LongAdder()).increment();
  }

  /** An extra key=value for the summary line and the report (e.g. lost watch events). */
  void put(String key, String value) {
    extra.put(key, value);
  }

  long successes() {
    return latencies.getTotalCount();
  }

  long errorCount() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  Histogram histogram() {
    return latencies;
  }

  /** The human-readable report followed by the summary line. */
  String format(String op, Map<String, String> settings, double elapsedSec) {
    StringBuilder out = new StringBuilder();
    Histogram h = latencies;
    long n = h.getTotalCount();
    out.append("\nSummary:\n");
    out.append(String.format(Locale.ROOT, "  Total:\t%.4f secs.%n", elapsedSec));
    if (n > 0) {
      out.append(String.format(Locale.ROOT, "  Slowest:\t%.4f secs.%n", sec(h.getMaxValue())));
      out.append(String.format(Locale.ROOT, "  Fastest:\t%.4f secs.%n", sec(h.getMinValue())));
      out.append(String.format(Locale.ROOT, "  Average:\t%.4f secs.%n", h.getMean() / 1e9));
      out.append(String.format(Locale.ROOT, "  Stddev:\t%.4f secs.%n", h.getStdDeviation() / 1e9));
    }
    out.append(String.format(Locale.ROOT, "  Requests/sec:\t%.4f%n", rate(n, elapsedSec)));
    for (Map.Entry<String, String> e : extra.entrySet()) {
      out.append("  ").append(e.getKey()).append(":\t").append(e.getValue()).append('\n');
    }
    if (n > 0) {
      out.append("\nResponse time histogram:\n");
      out.append(histogramText(h));
      out.append("\nLatency distribution:\n");
      for (double p : PERCENTILES) {
        out.append(String.format(Locale.ROOT, "  %s%% in %.4f secs.%n", pct(p), sec(h.getValueAtPercentile(p))));
      }
    }
    if (!errors.isEmpty()) {
      out.append("\nError distribution:\n");
      new TreeMap<>(errors).forEach((m, c) -> out.append("  [").append(c.sum()).append("]\t").append(m).append('\n'));
    }
    out.append('\n').append(summaryLine(op, settings, elapsedSec)).append('\n');
    return out.toString();
  }

  /** {@code summary op=put k=v ... rps=... avg_ms=... p50_ms=... p90_ms=... p99_ms=... p999_ms=... max_ms=...}. */
  String summaryLine(String op, Map<String, String> settings, double elapsedSec) {
    Histogram h = latencies;
    long n = h.getTotalCount();
    List<String> parts = new ArrayList<>();
    parts.add("summary");
    parts.add("op=" + op);
    settings.forEach((k, v) -> parts.add(k + "=" + v));
    parts.add("ok=" + n);
    parts.add("errors=" + errorCount());
    parts.add("seconds=" + fmt(elapsedSec));
    parts.add("rps=" + fmt(rate(n, elapsedSec)));
    parts.add("avg_ms=" + fmt(n == 0 ? 0 : h.getMean() / 1e6));
    parts.add("p50_ms=" + ms(n == 0 ? 0 : h.getValueAtPercentile(50)));
    parts.add("p90_ms=" + ms(n == 0 ? 0 : h.getValueAtPercentile(90)));
    parts.add("p99_ms=" + ms(n == 0 ? 0 : h.getValueAtPercentile(99)));
    parts.add("p999_ms=" + ms(n == 0 ? 0 : h.getValueAtPercentile(99.9)));
    parts.add("max_ms=" + ms(n == 0 ? 0 : h.getMaxValue()));
    extra.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(" ", parts);
  }

  /** etcd's histogram: BUCKETS equal-width buckets from the fastest to the slowest, each with a bar. */
  static String histogramText(Histogram h) {
    long min = h.lowestEquivalentValue(h.getMinValue());
    long max = h.getMaxValue();
    long[] bounds = new long[BUCKETS + 1];
    long[] counts = new long[BUCKETS + 1];
    double width = (double) (max - min) / BUCKETS;
    for (int i = 0; i <= BUCKETS; i++) bounds[i] = min + Math.round(width * i);
    for (HistogramIterationValue v : h.recordedValues()) {
      long value = h.lowestEquivalentValue(v.getValueIteratedTo());
      int bucket = 0;
      while (bucket < BUCKETS && value > bounds[bucket]) bucket++;
      counts[bucket] += v.getCountAtValueIteratedTo();
    }
    long most = 1;
    for (long c : counts) most = Math.max(most, c);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i <= BUCKETS; i++) {
      int bar = (int) (counts[i] * BAR_WIDTH / most);
      out.append(String.format(Locale.ROOT, "  %.4f [%d]\t|%s%n", sec(bounds[i]), counts[i], "∎".repeat(bar)));
    }
    return out.toString();
  }

  private static String pct(double p) {
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
  }

  private static double rate(long n, double sec) {
    return sec <= 0 ? 0 : n / sec;
  }

  private static double sec(long nanos) {
    return nanos / 1e9;
  }

  private static String ms(long nanos) {
    return fmt(nanos / 1e6);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
