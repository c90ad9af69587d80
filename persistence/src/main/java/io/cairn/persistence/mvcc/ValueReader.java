package io.cairn.persistence.mvcc;

import io.cairn.api.mvccpb.KeyValue;

/** Reads the KeyValue stored at a (non-tombstone) revision. */
@FunctionalInterface
interface ValueReader {
  KeyValue read(Revision rev);
}
