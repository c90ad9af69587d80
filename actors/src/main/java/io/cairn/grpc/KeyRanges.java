package io.cairn.grpc;

import com.google.protobuf.ByteString;

/** Key ranges as etcd's client library builds them. */
public final class KeyRanges {
  private KeyRanges() {}

  /** clientv3.GetPrefixRangeEnd: the prefix with its last byte below 0xff incremented; "\0" if none. */
  public static ByteString prefixEnd(ByteString prefix) {
    byte[] end = prefix.toByteArray();
    for (int i = end.length - 1; i >= 0; i--) {
      if ((end[i] & 0xff) < 0xff) {
        end[i]++;
        return ByteString.copyFrom(end, 0, i + 1);
      }
    }
    return ByteString.copyFrom(new byte[] {0});
  }
}
