package io.cairn.member.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The bootstrap flags a data dir was restored with ({@code cairn snapshot restore --name --initial-cluster
 * --initial-cluster-token --initial-advertise-peer-urls}), kept in {@code <data-dir>/member/restored-cluster}.
 *
 * <p>etcd's restore writes the new membership into the WAL and the backend, so the restored member starts with
 * only {@code --name} and its listen URLs (etcd's disaster recovery guide) and ignores the initial cluster flags.
 * Cairn keeps the restore's flags instead and computes the same plan from them on every start: the member and
 * cluster IDs derive from the restore's peer URLs and token exactly as etcd's do, so the restored member can
 * never join the old cluster by accident.
 */
public record RestoredCluster(String name, String initialCluster, String token, List<String> advertisePeerUrls) {
  static final String FILE = "restored-cluster";

  /** The record of a data dir restored by {@code cairn snapshot restore}, if it is one. */
  public static Optional<RestoredCluster> read(Path dataDir) throws IOException {
    Path file = dataDir.resolve("member").resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    String name = p.getProperty("name");
    String cluster = p.getProperty("initial-cluster");
    String token = p.getProperty("initial-cluster-token");
    String urls = p.getProperty("initial-advertise-peer-urls");
    if (name == null || cluster == null || token == null || urls == null) {
      throw new IOException(file + ": incomplete (written by an interrupted restore?)");
    }
    return Optional.of(new RestoredCluster(name, cluster, token, Arrays.asList(urls.split(","))));
  }

  /** Writes the record under {@code memberDir} (the restore's staging copy of {@code <data-dir>/member}). */
  public void write(Path memberDir) throws IOException {
    Properties p = new Properties();
    p.setProperty("name", name);
    p.setProperty("initial-cluster", initialCluster);
    p.setProperty("initial-cluster-token", token);
    p.setProperty("initial-advertise-peer-urls", String.join(",", advertisePeerUrls));
    Files.createDirectories(memberDir);
    try (Writer w = Files.newBufferedWriter(memberDir.resolve(FILE), StandardCharsets.UTF_8)) {
      p.store(w, "cairn snapshot restore: this member's bootstrap flags in the restored cluster");
    }
  }

  /**
   * The plan of a new cluster from these flags, checked as etcd's snapshot restore checks them
   * (ServerConfig.VerifyBootstrap: this member in --initial-cluster, its advertised URLs matching, no URL twice).
   */
  public ClusterPlan verifiedPlan() {
    ClusterPlan plan = ClusterPlan.of(name, initialCluster, advertisePeerUrls, advertisePeerUrls, token, "new");
    plan.verifyBootstrap(AdvertiseCheck.withDns());
    return plan;
  }

  /** The plan a start of the restored member uses: the restore's identity, Artery bound on --listen-peer-urls. */
  public ClusterPlan plan(List<URI> listenPeerUrls) {
    return ClusterPlan.of(
        name, initialCluster, advertisePeerUrls, listenPeerUrls.stream().map(URI::toString).toList(), token, "new");
  }
}
