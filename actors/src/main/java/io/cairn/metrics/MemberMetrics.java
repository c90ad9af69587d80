package io.cairn.metrics;

import io.cairn.member.MemberApi;
import io.cairn.member.MemberIds;
import io.cairn.member.ProposalRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.util.function.BooleanSupplier;

/**
 * One member's Prometheus registry: etcd 3.4's series under etcd's names, types and help texts (etcdserver/metrics.go,
 * mvcc/metrics.go), each read from what the member already keeps, plus the process and JVM series. Gauges are read at
 * scrape time; the only writes on the member's paths are the leader-change counter (on a Raft status change) and the
 * proposal registry's LongAdder of timeouts.
 *
 * <p>Micrometer's Prometheus naming appends _total to counters, so counters are named without it; etcd's
 * proposals_committed_total and proposals_applied_total are gauges (set to the commit and applied index in etcd's
 * raft.go and server.go), so their names carry it.
 */
public final class MemberMetrics implements AutoCloseable {
  /** The content type etcd's promhttp handler answers with (Prometheus text format 0.0.4). */
  public static final String CONTENT_TYPE = TextFormat.CONTENT_TYPE_004;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Counter leaderChanges;
  /** The leader last seen; touched only by {@link #leaderSeen}, which the Raft node calls one status at a time. */
  private long lead;

  /**
   * @param leading whether this member's Raft node is leader (etcd's isLeader follows the Raft state, not the ID)
   * @param proposals the member's waiting proposals: pending ones and timeouts
   */
  public MemberMetrics(MemberApi member, BooleanSupplier leading, ProposalRegistry proposals) {
    leaderChanges = Counter.builder("etcd.server.leader.changes.seen")
        .description("The number of leader changes seen.").register(registry);
    gauge("etcd.server.has.leader", "Whether or not a leader exists. 1 is existence, 0 is not.",
        () -> member.raftStatus().leaderId() != 0 ? 1 : 0);
    gauge("etcd.server.is.leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.",
        () -> leading.getAsBoolean() ? 1 : 0);
    gauge("etcd.server.is.learner", "Whether or not this member is a learner. 1 if is, 0 otherwise.",
        () -> member.raftStatus().learner() ? 1 : 0);
    gauge("etcd.server.proposals.committed.total", "The total number of consensus proposals committed.",
        () -> member.raftStatus().commitIndex());
    gauge("etcd.server.proposals.applied.total", "The total number of consensus proposals applied.",
        () -> member.raftStatus().appliedIndex());
    gauge("etcd.server.proposals.pending", "The current number of pending proposals to commit.",
        proposals::inFlight);
    // etcd counts a proposal that timed out waiting to be applied (processInternalRaftRequestOnce's ctx.Done)
    FunctionCounter.builder("etcd.server.proposals.failed", proposals, ProposalRegistry::timedOut)
        .description("The total number of failed proposals seen.").register(registry);
    gauge("etcd.server.quota.backend.bytes", "Current backend storage quota size in bytes.",
        () -> member.limits().quotaBackendBytes());
    Gauge.builder("etcd.server.id", () -> 1)
        .description("Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.")
        .tag("server_id", MemberIds.hex(member.cluster().memberId())).register(registry);
    Gauge.builder("etcd.server.version", () -> 1)
        .description("Which version is running. 1 for 'server_version' label with current version.")
        .tag("server_version", "3.4.23").register(registry);
    gauge("etcd.mvcc.db.total.size.in.bytes",
        "Total size of the underlying database physically allocated in bytes.", () -> member.store().dbSizeBytes());
    // the same estimate Maintenance.Status reports as dbSizeInUse
    gauge("etcd.mvcc.db.total.size.in.use.in.bytes",
        "Total size of the underlying database logically in use in bytes.", () -> member.store().dbSizeInUseBytes());
    gauge("etcd.debugging.mvcc.current.revision", "The current revision of store.",
        () -> member.store().currentRevision());
    new ProcessMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    gc.bindTo(registry);
  }

  private void gauge(String name, String help, java.util.function.Supplier<Number> value) {
    Gauge.builder(name, value).description(help).register(registry);
  }

  /**
   * The Raft node's leader, at each status change. As etcd's raft.go: a change is counted when a leader is known
   * and differs from the one before, so losing the leader and finding the same one again counts once more.
   */
  public void leaderSeen(long leaderId) {
    if (leaderId != 0 && leaderId != lead) {
      leaderChanges.increment();
    }
    lead = leaderId;
  }

  /** The registry in Prometheus text format 0.0.4. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
