package io.cairn.member;

import io.cairn.api.raft.ConfState;
import io.cairn.api.raft.InstallSnapshot;
import io.cairn.api.raft.InstallSnapshotResponse;
import io.cairn.raft.node.SnapshotLink;
import io.cairn.raft.node.SnapshotSender;
import io.cairn.raft.snapshot.StoreSnapshotSender;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's snapshot lines in etcd 3.4's words (rafthttp "start to send database snapshot [index: N, to:
 * ID]..." / "database snapshot [index: N, to: ID] sent out successfully", etcdserver "sent database snapshot
 * to writer [N bytes]"), around the member's {@link SnapshotSender} and its store source; behavior unchanged.
 * Every SnapshotSender call and link use happens on the Raft node's actor, so no state here is shared.
 */
final class SnapshotTransferLog {
  private static final Logger RAFTHTTP = LoggerFactory.getLogger("rafthttp");
  private static final Logger SERVER = LoggerFactory.getLogger("etcdserver");

  private SnapshotTransferLog() {}

  /** The store source, logging the bytes it wrote (etcd's createMergedSnapshotMessage writer). */
  static StoreSnapshotSender.SnapshotSource source(StoreSnapshotSender.SnapshotSource source) {
    return out -> {
      long[] bytes = {0};
      OutputStream counting = new FilterOutputStream(out) {
        @Override
        public void write(int b) throws IOException {
          out.write(b);
          bytes[0]++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          bytes[0] += len;
        }
      };
      long applied = source.writeSnapshot(counting);
      counting.flush();
      SERVER.info("sent database snapshot to writer [{} bytes]", bytes[0]);
      return applied;
    };
  }

  static SnapshotSender sender(SnapshotSender delegate) {
    return new SnapshotSender() {
      @Override
      public void sendSnapshot(SnapshotLink link) {
        delegate.sendSnapshot(new LoggedLink(link));
      }

      @Override
      public void onResponse(long followerId, InstallSnapshotResponse response) {
        delegate.onResponse(followerId, response);
      }

      @Override
      public void onTick() {
        delegate.onTick();
      }

      @Override
      public void abortAll() {
        delegate.abortAll();
      }
    };
  }

  /** One transfer's link; node actor only. Resends start at offset 0 again: "start to send" is logged once. */
  private static final class LoggedLink implements SnapshotLink {
    private final SnapshotLink link;
    private boolean started;

    LoggedLink(SnapshotLink link) {
      this.link = link;
    }

    @Override
    public long followerId() {
      return link.followerId();
    }

    @Override
    public long term() {
      return link.term();
    }

    @Override
    public void runOnNode(Runnable task) {
      link.runOnNode(task);
    }

    @Override
    public long termAt(long index) {
      return link.termAt(index);
    }

    @Override
    public ConfState confState() {
      return link.confState();
    }

    @Override
    public void send(InstallSnapshot chunk) {
      if (chunk.getOffset() == 0 && !started) {
        started = true;
        RAFTHTTP.info("start to send database snapshot [index: {}, to {}]...", chunk.getMeta().getIndex(),
            MemberIds.hex(link.followerId()));
      }
      link.send(chunk);
    }

    @Override
    public void done(long matchIndex) {
      RAFTHTTP.info("database snapshot [index: {}, to: {}] sent out successfully", matchIndex,
          MemberIds.hex(link.followerId()));
      link.done(matchIndex);
    }

    @Override
    public void failed(String reason) {
      RAFTHTTP.warn("database snapshot to {} failed: {}", MemberIds.hex(link.followerId()), reason);
      link.failed(reason);
    }
  }
}
