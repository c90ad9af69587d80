package io.cairn.member;

import io.cairn.api.internal.ConfChange;
import io.cairn.api.internal.LogEntry;
import io.cairn.api.internal.MemberRecord;
import io.cairn.api.raft.Entry;
import io.cairn.api.raft.EntryType;
import io.cairn.raft.log.PersistentRaftLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * --force-new-cluster (etcd's restartAsStandaloneNode): the member restarts from its data dir as the only voter of
 * its cluster, keeping its data, its member ID and the cluster ID, to recover from the loss of a majority. As etcd
 * does, it appends a configuration change removing every other member to its log; Raft runs with this member
 * alone, so its first election commits them and the applier makes the membership follow.
 *
 * <p>Unlike etcd, which drops the entries after its last persisted commit index, Cairn keeps its whole log (it does
 * not persist the commit index): an entry this member had acknowledged to a client is never lost, while an entry
 * that was never committed may now be.
 */
final class ForceNewCluster {
  private static final Logger SERVER_LOG = LoggerFactory.getLogger("etcdserver");

  private ForceNewCluster() {}

  static void appendRemovals(PersistentRaftLog log, ClusterInfo cluster, long appliedIndex) throws IOException {
    SERVER_LOG.info("forcing restart of member {} in cluster {} at commit index {}",
        MemberIds.hex(cluster.memberId()), MemberIds.hex(cluster.clusterId()), appliedIndex);
    long index = log.lastIndex();
    long term = Math.max(log.hardState().getTerm(), log.term(index));
    List<Entry> entries = new ArrayList<>();
    for (ClusterInfo.Member m : cluster.members()) {
      if (m.id() == cluster.memberId()) {
        continue;
      }
      LogEntry removal = LogEntry.newBuilder().setConfChange(ConfChange.newBuilder()
          .setType(ConfChange.Type.REMOVE_NODE).setMember(MemberRecord.newBuilder().setId(m.id()))).build();
      entries.add(Entry.newBuilder().setIndex(++index).setTerm(term).setType(EntryType.CONF_CHANGE)
          .setData(removal.toByteString()).build());
    }
    if (entries.isEmpty()) {
      return;
    }
    MemberNode.await(log.append(entries), "append the configuration of the new cluster");
  }
}
