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
 *   32 bytes SHA-256 of every byte above
 * </pre>
 */
final class SnapshotFormat {
  static final byte[] MAGIC = "CAIRNSNAP1".getBytes(StandardCharsets.US_ASCII);
  private static final int END = -1;
  /** No record is anywhere near this; a larger length means a corrupt stream, not a huge allocation. */
  private static final int MAX_LENGTH = 1 << 30;

  private SnapshotFormat() {}

  static long write(DB db, ReadOptions ro, OutputStream out) throws IOException {
    MessageDigest sha = sha256();
    BufferedOutputStream raw = new BufferedOutputStream(out, 1 << 16);
    DataOutputStream data = new DataOutputStream(new DigestOutputStream(raw, sha));
    data.write(MAGIC);
    long count = 0;
    try (DBIterator it = db.iterator(ro)) {
      for (it.seekToFirst(); it.hasNext(); ) {
        Map.Entry<byte[], byte[]> e = it.next();
        data.writeInt(e.getKey().length);
        data.write(e.getKey());
        data.writeInt(e.getValue().length);
        data.write(e.getValue());
        count++;
      }
    }
    data.writeInt(END);
    data.writeLong(count);
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
    MessageDigest sha = sha256();
    DigestInputStream digest = new DigestInputStream(new BufferedInputStream(in, 1 << 16), sha);
    DataInputStream data = new DataInputStream(digest);
    try {
      byte[] magic = new byte[MAGIC.length];
      data.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException("not a Cairn snapshot: bad magic header");
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
      digest.on(false);
      byte[] expected = sha.digest();
      byte[] actual = new byte[expected.length];
      data.readFully(actual);
      if (!MessageDigest.isEqual(expected, actual)) {
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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
