package io.cairn.bench;

import java.util.Random;

/** Keys and values as etcd's benchmark makes them. */
final class Keys {
  private Keys() {}

  /**
   * A {@code keySize}-byte key holding {@code n} as Go's {@code binary.PutVarint} writes it (zig-zag, then
   * base-128 little-endian), zero-padded: etcd's {@code put} and {@code txn-put} keys, so both servers see
   * byte-identical keys.
   */
  static byte[] varintKey(long n, int keySize) {
    byte[] key = new byte[keySize];
    long ux = (n << 1) ^ (n >> 63);
    int i = 0;
    while (Long.compareUnsigned(ux, 0x80) >= 0 && i < keySize) {
      key[i++] = (byte) (ux | 0x80);
      ux >>>= 7;
    }
    if (i < keySize) key[i] = (byte) ux;
    return key;
  }

  /** The key number for request {@code seq}: sequential ({@code seq % space}) or uniform in the key space. */
  static long keyNumber(long seq, long keySpaceSize, boolean sequential, Random random) {
    if (sequential) return seq % keySpaceSize;
    return keySpaceSize == 1 ? 0 : (long) (random.nextDouble() * keySpaceSize);
  }

  static byte[] randomBytes(int size, Random random) {
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }
}
