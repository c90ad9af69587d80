package io.cairn.member;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** etcd's member and cluster ID derivation, so `etcd` and `cairn` started alike report the same IDs. */
public final class MemberIds {
  private MemberIds() {}

  /**
   * etcd membership.computeMemberId (no timestamp, as for initial members): the first 8 bytes, big-endian,
   * of SHA-1 over the sorted peer URLs concatenated, followed by the cluster token.
   */
  public static long memberId(Collection<String> peerUrls, String clusterToken) {
    List<String> sorted = new ArrayList<>(peerUrls);
    sorted.sort(null);
    StringBuilder b = new StringBuilder();
    sorted.forEach(b::append);
    b.append(clusterToken == null ? "" : clusterToken);
    return first8(sha1(b.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** etcd RaftCluster.genID: SHA-1 over the sorted member IDs, each as 8 big-endian bytes. */
  public static long clusterId(Collection<Long> memberIds) {
    List<Long> sorted = new ArrayList<>(memberIds);
    sorted.sort(Long::compareUnsigned);
    ByteBuffer buf = ByteBuffer.allocate(8 * sorted.size());
    sorted.forEach(buf::putLong);
    return first8(sha1(buf.array()));
  }

  /** etcd's types.ID.String(): lower-case hex without leading zeros. */
  public static String hex(long id) {
    return Long.toHexString(id);
  }

  /**
   * Parses --initial-cluster "name=url,name=url" (etcd types.NewURLsMap): a name may appear several times
   * for several URLs; order of first appearance is kept.
   *
   * @throws IllegalArgumentException on an entry without '=' or with an empty URL
   */
  public static Map<String, List<String>> parseInitialCluster(String initialCluster) {
    Map<String, List<String>> members = new LinkedHashMap<>();
    if (initialCluster == null || initialCluster.isBlank()) {
      return members;
    }
    for (String part : initialCluster.split(",")) {
      String entry = part.trim();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw new IllegalArgumentException("invalid --initial-cluster entry: " + entry);
      }
      members.computeIfAbsent(entry.substring(0, eq), k -> new ArrayList<>()).add(entry.substring(eq + 1));
    }
    return members;
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }

  private static long first8(byte[] digest) {
    return ByteBuffer.wrap(digest, 0, 8).getLong();
  }
}
