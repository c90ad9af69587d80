package io.cairn.launcher.snapshot;

import io.cairn.persistence.mvcc.SnapshotInfo;
import java.util.ArrayList;
import java.util.List;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** etcdctl 3.4's {@code snapshot status} output in each -w format it supports for it (simple, table, json, fields). */
final class SnapshotStatusFormat {
  private static final String[] HEADER = {"HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"};
  private static final String[] SI_UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

  private SnapshotStatusFormat() {}

  /** @throws IllegalArgumentException with etcdctl's message for a format it refuses */
  static String format(SnapshotInfo s, String writeOut) {
    return switch (writeOut) {
      case "simple" -> String.format("%x, %d, %d, %s%n", s.hash(), s.revision(), s.totalKeys(), humanBytes(s.totalSize()));
      case "json" -> String.format("{\"hash\":%d,\"revision\":%d,\"totalKey\":%d,\"totalSize\":%d}%n",
          s.hash(), s.revision(), s.totalKeys(), s.totalSize());
      case "fields" -> String.format("\"Hash\" : %d%n\"Revision\" : %d%n\"Keys\" : %d%n\"Size\" : %d%n",
          s.hash(), s.revision(), s.totalKeys(), s.totalSize());
      case "table" -> table(new String[] {
          Long.toHexString(s.hash()), Long.toString(s.revision()), Long.toString(s.totalKeys()),
          humanBytes(s.totalSize())});
      case "protobuf" -> throw new IllegalArgumentException("protobuf not supported as output format");
      default -> throw new IllegalArgumentException("unsupported output format");
    };
  }

  /** go-humanize's Bytes (SI units, as etcdctl prints sizes): 20480 → "20 kB", 1500 → "1.5 kB". */
  static String humanBytes(long bytes) {
    if (bytes < 10) {
      return bytes + " B";
    }
    int exp = (int) Math.floor(Math.log(bytes) / Math.log(1000));
    double value = Math.floor(bytes / Math.pow(1000, exp) * 10 + 0.5) / 10;
    // Go's %.Nf rounds the exact binary value half to even (20.5 → "20"); Java's %f would round half up.
    BigDecimal shown = new BigDecimal(value).setScale(value < 10 ? 1 : 0, RoundingMode.HALF_EVEN);
    return shown.toPlainString() + " " + SI_UNITS[exp];
  }

  /** olekukonko/tablewriter as etcdctl sets it up: centered header, right-aligned cells, +---+ borders. */
  private static String table(String[] row) {
    int[] width = new int[HEADER.length];
    for (int i = 0; i < width.length; i++) {
      width[i] = Math.max(HEADER[i].length(), row[i].length());
    }
    StringBuilder border = new StringBuilder("+");
    for (int w : width) {
      border.append("-".repeat(w + 2)).append('+');
    }
    List<String> lines = new ArrayList<>();
    lines.add(border.toString());
    StringBuilder head = new StringBuilder("|");
    StringBuilder cells = new StringBuilder("|");
    for (int i = 0; i < width.length; i++) {
      int gap = width[i] - HEADER[i].length();
      head.append(' ').append(" ".repeat(gap / 2)).append(HEADER[i]).append(" ".repeat(gap - gap / 2)).append(" |");
      cells.append(' ').append(" ".repeat(width[i] - row[i].length())).append(row[i]).append(" |");
    }
    lines.add(head.toString());
    lines.add(border.toString());
    lines.add(cells.toString());
    lines.add(border.toString());
    return String.join(System.lineSeparator(), lines) + System.lineSeparator();
  }
}
