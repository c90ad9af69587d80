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
 * The initial cluster a data dir was bootstrapped with when no --initial-cluster flag says it, kept in
 * {@code <data-dir>/member/bootstrap}: written by {@code cairn snapshot restore} (its --name --initial-cluster
 * --initial-cluster-token --initial-advertise-peer-urls) and by a first start with --discovery-srv (the cluster the
 * SRV records gave, once that start gets as far as creating the member), and by a first start with --discovery (the
 * cluster the discovery service gave, with the discovery URL as token).
 *
 * <p>etcd writes the initial membership into the WAL and the backend, so such a member restarts with only
 * {@code --name} and its listen URLs (etcd's disaster recovery guide) and ignores the initial cluster flags and DNS.
 * Cairn keeps these bootstrap values instead and computes the same plan from them on every start: the member and
 * cluster IDs derive from the peer URLs and token exactly as etcd's do, so a restored member can never join the old
 * cluster by accident, and a restart does not depend on DNS.
 *
 * <p>This record stands in for the bootstrap flags, not for the membership the store keeps: as with
 * --initial-cluster, the store's meta wins once it exists (the IDs in {@code member/id} and {@code cluster/id},
 * the configuration in {@code cluster/members}, written by the applier: ClusterBootstrap.recover and
 * Membership.recover). The record is still needed because the launcher must know the member's Artery addresses and
 * seed nodes to create its actor system before the store is opened, and because a restored store holds no
 * membership at all until its first start applies one (restore drops the old cluster's meta).
 *
 * @param source "restore", "discovery-srv" or "discovery"
 * @param nameserver the --discovery-srv-nameserver the peer host names resolve on ("" = the system resolver)
 */
public record BootstrapRecord(
    String source, String name, String initialCluster, String token, List<String> advertisePeerUrls,
    String nameserver) {
  static final String FILE = "bootstrap";
  public static final String RESTORE = "restore";
  public static final String DISCOVERY_SRV = "discovery-srv";
  public static final String DISCOVERY = "discovery";

  /** The data dir's record, if it has one (restored, or bootstrapped with --discovery-srv). */
  public static Optional<BootstrapRecord> read(Path dataDir) throws IOException {
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
    return Optional.of(new BootstrapRecord(p.getProperty("source", RESTORE), name, cluster, token,
        Arrays.asList(urls.split(",")), p.getProperty("nameserver", "")));
  }

  /** Writes the record under {@code memberDir} ({@code <data-dir>/member}, or a restore's staging copy of it). */
  public void write(Path memberDir) throws IOException {
    Properties p = new Properties();
    p.setProperty("source", source);
    p.setProperty("nameserver", nameserver);
    p.setProperty("name", name);
    p.setProperty("initial-cluster", initialCluster);
    p.setProperty("initial-cluster-token", token);
    p.setProperty("initial-advertise-peer-urls", String.join(",", advertisePeerUrls));
    Files.createDirectories(memberDir);
    try (Writer w = Files.newBufferedWriter(memberDir.resolve(FILE), StandardCharsets.UTF_8)) {
      p.store(w, "cairn " + source + ": the initial cluster this member was bootstrapped with");
    }
  }

  /**
   * The plan of a new cluster from these flags, checked as etcd's snapshot restore checks them
   * (ServerConfig.VerifyBootstrap: this member in --initial-cluster, its advertised URLs matching, no URL twice).
   */
  public ClusterPlan verifiedPlan() {
    return verifiedPlan(advertisePeerUrls.stream().map(URI::create).toList());
  }

  /** {@link #verifiedPlan()} with Artery bound on --listen-peer-urls: a first start from a discovered cluster. */
  public ClusterPlan verifiedPlan(List<URI> listenPeerUrls) {
    ClusterPlan plan = plan(listenPeerUrls);
    plan.verifyBootstrap(AdvertiseCheck.withDns());
    return plan;
  }

  /** The plan every start of this member uses: the recorded identity, Artery bound on --listen-peer-urls. */
  public ClusterPlan plan(List<URI> listenPeerUrls) {
    return ClusterPlan.of(
        name, initialCluster, advertisePeerUrls, listenPeerUrls.stream().map(URI::toString).toList(), token, "new");
  }
}
