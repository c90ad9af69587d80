package io.cairn.raft.node;

import com.google.protobuf.ByteString;
import io.cairn.api.raft.ForwardProposals;
import io.cairn.raft.LogCommand;
import java.util.List;

/**
 * Proposals on a node that is not the leader: buffered (bounded) and forwarded to the leader in batches
 * (etcd forwards MsgProp to its leader); with no leader known they wait until one is, for at most two
 * election timeouts ({@link RaftCore#expireLeaderlessProposals}).
 */
final class ProposalForwarding {

  private ProposalForwarding() {}

  static void propose(RaftCore core, ByteString proposal) {
    boolean wasEmpty = core.proposals.isEmpty();
    if (!core.proposals.add(proposal)) {
      RaftCore.RAFT_LOG.debug("{} dropped a proposal: no leader and the buffer is full", core.idHex());
      return;
    }
    if (wasEmpty) {
      core.ctx.getSelf().tell(LogCommand.Flush.INSTANCE);
    }
    if (core.leaderId != 0 && core.proposals.hasFullBatch()) {
      forwardOneBatch(core);
    }
  }

  static void flush(RaftCore core) {
    while (core.leaderId != 0 && !core.proposals.isEmpty()) {
      forwardOneBatch(core);
    }
    while (core.leaderId != 0 && !core.waitingConfChanges.isEmpty()) {
      core.forwardConfChange(core.waitingConfChanges.poll());
    }
  }

  private static void forwardOneBatch(RaftCore core) {
    List<ByteString> batch = core.proposals.nextBatch();
    core.send(core.message(core.leaderId, core.term)
        .setForward(ForwardProposals.newBuilder().addAllEntries(batch)));
  }
}
