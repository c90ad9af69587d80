package io.cairn.bench;

import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The put workloads' key and value flags (etcd benchmark's {@code put} and {@code txn-put} take the same ones, with
 * the same defaults), mixed into both commands.
 */
final class PutOptions {
  @Option(names = "--key-size", defaultValue = "8", description = "Key size of each put. Default: ${DEFAULT-VALUE}")
  int keySize;

  @Option(names = "--val-size", defaultValue = "8", description = "Value size of each put. Default: ${DEFAULT-VALUE}")
  int valSize;

  @Option(names = "--key-space-size", defaultValue = "1", description = "Maximum possible keys. Default: ${DEFAULT-VALUE}")
  long keySpaceSize;

  void validate() {
    if (keySize < 1 || valSize < 0 || keySpaceSize < 1) {
      throw new IllegalArgumentException("--key-size and --key-space-size must be positive, --val-size not negative");
    }
  }

  /** Their part of the summary line. */
  void settings(Map<String, String> s) {
    s.put("key_size", Integer.toString(keySize));
    s.put("val_size", Integer.toString(valSize));
    s.put("key_space", Long.toString(keySpaceSize));
  }
}
