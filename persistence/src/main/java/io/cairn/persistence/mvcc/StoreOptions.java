package io.cairn.persistence.mvcc;

import java.util.function.IntPredicate;

/**
 * Tuning of a store. {@code compactionBatchLimit}: revision records examined per background compaction
 * write (etcd's --experimental-compaction-batch-limit, 1000 by default); {@code afterCompactionChunk}: a
 * test hook told the chunk number after each chunk, returning false to abandon the job as a crash would.
 */
record StoreOptions(int compactionBatchLimit, IntPredicate afterCompactionChunk) {
  static final StoreOptions DEFAULT = new StoreOptions(1000, chunk -> true);
}
