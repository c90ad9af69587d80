package io.cairn.member.watch;

import com.google.protobuf.ByteString;
import io.cairn.persistence.mvcc.KeyOrder;

/**
 * A watched key range in the protocol's form: end empty = the key only, end "\0" = every key ≥ key,
 * otherwise [key, end). Keys compare as unsigned bytes, as etcd's bytes.Compare.
 */
record KeyRange(ByteString key, ByteString end) {
  static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  /**
   * etcd's recvLoop normalisation (etcdserver/api/v3rpc/watch.go): an empty key is "\0", the smallest key.
   */
  static KeyRange of(ByteString key, ByteString end) {
    return new KeyRange(key.isEmpty() ? ZERO : key, end);
  }

  boolean singleKey() {
    return end.isEmpty();
  }

  boolean fromKey() {
    return end.equals(ZERO);
  }

  /** etcd's mvcc watchStream.Watch refuses key ≥ end: "mvcc: watcher range is empty". */
  boolean isEmpty() {
    return !singleKey() && !fromKey() && KeyOrder.UNSIGNED.compare(key, end) >= 0;
  }

  boolean contains(ByteString k) {
    if (singleKey()) {
      return key.equals(k);
    }
    if (KeyOrder.UNSIGNED.compare(k, key) < 0) {
      return false;
    }
    return fromKey() || KeyOrder.UNSIGNED.compare(k, end) < 0;
  }
}
