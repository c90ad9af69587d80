package io.cairn.persistence.mvcc;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.ReadOptions;

/**
 * The snapshot stream: every LevelDB record of a consistent snapshot, framed so that truncation and
 * corruption are detected before anything is trusted.
 *
 * <pre>
 *   "CAIRNSNAP1"
 *   { int32 keyLength (>= 1), key, int32 valueLength (>= 0), value }*
 *   int32 -1                        end of records
 *   int64 recordCount
 *   zero bytes up to the next multiple of 512
 *   32 bytes SHA-256 of every byte above
 * </pre>
 *
 * <p>The padding and the trailing digest are etcd's snapshot integrity convention: etcd appends the
 * SHA-256 of its (page-aligned) bolt file, and etcdctl 3.4's `snapshot save` refuses a stream whose size
 * is not 32 more than a multiple of 512 ("sha256 checksum not found"). Following it lets the real etcdctl
 * save Cairn snapshots, and the digest protects the whole file, padding included.
 */
final class SnapshotFormat {
  static final byte[] MAGIC = "CAIRNSNAP1".getBytes(StandardCharsets.US_ASCII);
  /** etcd's alignment: the minimum disk sector size (clientv3/snapshot hasChecksum). */
  static final int ALIGNMENT_BYTES = 512;
  private static final int END = -1;
  /** No record is anywhere near this; a larger length means a corrupt stream, not a huge allocation. */
  private static final int MAX_LENGTH = 1 << 30;

  private SnapshotFormat() {}

  static long write(DB db, ReadOptions ro, OutputStream out) throws IOException {
    MessageDigest sha = sha256();
    BufferedOutputStream raw = new BufferedOutputStream(out, 1 << 16);
    DataOutputStream data = new DataOutputStream(new DigestOutputStream(raw, sha));
    data.write(MAGIC);
    // DataOutputStream.size() saturates at 2 GiB; snapshots may be larger.
    long writtenBytes = MAGIC.length;
    long count = 0;
    try (DBIterator it = db.iterator(ro)) {
      for (it.seekToFirst(); it.hasNext(); ) {
        Map.Entry<byte[], byte[]> e = it.next();
        data.writeInt(e.getKey().length);
        data.write(e.getKey());
        data.writeInt(e.getValue().length);
        data.write(e.getValue());
        writtenBytes += 8L + e.getKey().length + e.getValue().length;
        count++;
      }
    }
    data.writeInt(END);
    data.writeLong(count);
    writtenBytes += 4 + 8;
    data.write(new byte[padding(writtenBytes)]);
    data.flush();
    raw.write(sha.digest());
    raw.flush();
    return count;
  }

  @FunctionalInterface
  interface RecordSink {
    void accept(byte[] key, byte[] value) throws IOException;
  }

  /**
   * Reads a whole snapshot, handing each record to {@code sink}, and verifies the trailer; an IOException
   * says what is wrong (not a snapshot, truncated, corrupt). Records are handed out before the checksum
   * is known, so the sink must not make them visible until this returns.
   */
  static long read(InputStream in, RecordSink sink) throws IOException {
    return read(in, sink, true);
  }

  /**
   * As {@link #read(InputStream, RecordSink)}; with {@code verifyDigest} false the SHA-256 trailer must still be
   * there (the structure, lengths, record count and padding are always checked) but its value is not compared:
   * etcdctl's {@code --skip-hash-check}.
   */
  static long read(InputStream in, RecordSink sink, boolean verifyDigest) throws IOException {
    MessageDigest sha = sha256();
    CountingInputStream counted = new CountingInputStream(new BufferedInputStream(in, 1 << 16));
    DigestInputStream digest = new DigestInputStream(counted, sha);
    DataInputStream data = new DataInputStream(digest);
    try {
      byte[] magic = new byte[MAGIC.length];
      data.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException(looksLikeBolt(magic, data)
            ? "not a Cairn snapshot: this is an etcd (bbolt) snapshot; Cairn restores snapshots saved from Cairn members"
            : "not a Cairn snapshot: bad magic header");
      }
      long count = 0;
      while (true) {
        int kl = data.readInt();
        if (kl == END) {
          break;
        }
        if (kl < 1 || kl > MAX_LENGTH) {
          throw new IOException("snapshot corrupt: bad key length " + kl);
        }
        byte[] key = readExactly(data, kl);
        int vl = data.readInt();
        if (vl < 0 || vl > MAX_LENGTH) {
          throw new IOException("snapshot corrupt: bad value length " + vl);
        }
        byte[] value = readExactly(data, vl);
        sink.accept(key, value);
        count++;
      }
      long declared = data.readLong();
      byte[] pad = readExactly(data, padding(counted.count()));
      for (byte b : pad) {
        if (b != 0) {
          throw new IOException("snapshot corrupt: non-zero padding");
        }
      }
      digest.on(false);
      byte[] expected = sha.digest();
      byte[] actual = new byte[expected.length];
      data.readFully(actual);
      if (verifyDigest && !MessageDigest.isEqual(expected, actual)) {
        throw new IOException("snapshot corrupt: SHA-256 checksum mismatch");
      }
      if (declared != count) {
        throw new IOException(
            "snapshot corrupt: trailer says " + declared + " records, found " + count);
      }
      if (data.read() != -1) {
        throw new IOException("snapshot corrupt: data after the trailer");
      }
      return count;
    } catch (EOFException e) {
      throw new IOException("snapshot truncated: unexpected end of stream", e);
    }
  }

  /** bbolt's meta page: a 16-byte page header, then the magic 0xED0CDAED (little-endian), as etcd's db files. */
  private static boolean looksLikeBolt(byte[] head, DataInputStream rest) throws IOException {
    byte[] first = Arrays.copyOf(head, 20);
    int more = rest.readNBytes(first, head.length, 20 - head.length);
    if (head.length + more < 20) {
      return false;
    }
    return (first[16] & 0xff) == 0xED && (first[17] & 0xff) == 0xDA && (first[18] & 0xff) == 0x0C
        && (first[19] & 0xff) == 0xED;
  }

  /**
   * Reads n bytes, growing the buffer as data actually arrives: a corrupt length then costs an
   * EOFException, not an allocation of up to a gigabyte.
   */
  private static byte[] readExactly(DataInputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException();
    }
    return b;
  }

  /** Zero bytes that bring a stream of {@code length} bytes to a multiple of {@link #ALIGNMENT_BYTES}. */
  private static int padding(long length) {
    return (int) ((ALIGNMENT_BYTES - length % ALIGNMENT_BYTES) % ALIGNMENT_BYTES);
  }

  /** Counts the bytes read through it, so the reader knows where the padding ends. */
  private static final class CountingInputStream extends java.io.FilterInputStream {
    private long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    long count() {
      return count;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
