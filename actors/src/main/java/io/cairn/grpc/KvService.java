package io.cairn.grpc;

import com.google.protobuf.Message;
import io.cairn.api.etcdserverpb.CompactionRequest;
import io.cairn.api.etcdserverpb.CompactionResponse;
import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.DeleteRangeResponse;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.KV;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.member.EtcdException;
import io.cairn.member.MemberApi;
import io.cairn.persistence.mvcc.MvccException;
import io.cairn.persistence.mvcc.MvccStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * etcd's KV service (v3rpc/key.go + etcdserver/v3_server.go): requests are checked as etcd checks them, reads
 * go to the store (after a ReadIndex unless serializable), mutations are proposed and answered with what the
 * applier built.
 */
public final class KvService implements KV {
  private final MemberApi member;
  private final Executor readExecutor;

  /** @param readExecutor a bounded executor for store reads, off the gRPC dispatcher and the member's threads */
  public KvService(MemberApi member, Executor readExecutor) {
    this.member = member;
    this.readExecutor = readExecutor;
  }

  @Override
  public CompletionStage<RangeResponse> range(RangeRequest in) {
    return GrpcErrors.call(
        () -> {
          RequestChecks.checkRange(in);
          if (in.getSerializable() && in.getRangeEnd().isEmpty()) {
            // One key, no waiting: read on the calling thread (the HTTP/2 connection's), which then answers at
            // once instead of handing the request to the read executor and the answer back. One key's read is
            // bounded (one index lookup and one value of at most --max-request-bytes); ranges go to the executor.
            return CompletableFuture.completedFuture(read(in));
          }
          CompletionStage<Void> readable =
              in.getSerializable() ? CompletableFuture.completedFuture(null) : member.linearizableRead();
          return readable.thenApplyAsync(ignored -> read(in), readExecutor);
        });
  }

  private RangeResponse read(RangeRequest in) {
    MvccStore store = member.store();
    // Taken before the read, so that a client watching from header.revision+1 never misses an event
    // (at worst it sees one twice); a header the store sets itself wins (etcd: the read txn's revision).
    long revisionBefore = store.currentRevision();
    try {
      RangeResponse.Builder response = store.range(in);
      long revision =
          response.hasHeader() && response.getHeader().getRevision() > 0
              ? response.getHeader().getRevision()
              : revisionBefore;
      return response.setHeader(member.header(revision)).build();
    } catch (MvccException e) {
      throw EtcdException.of(e);
    }
  }

  @Override
  public CompletionStage<PutResponse> put(PutRequest in) {
    return GrpcErrors.call(
        () -> {
          RequestChecks.checkPut(in);
          return propose(InternalRaftRequest.newBuilder().setPut(in).build(), PutResponse.class);
        });
  }

  @Override
  public CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest in) {
    return GrpcErrors.call(
        () -> {
          RequestChecks.checkDelete(in);
          return propose(InternalRaftRequest.newBuilder().setDeleteRange(in).build(), DeleteRangeResponse.class);
        });
  }

  /**
   * Every txn is proposed, read-only ones too (etcd 3.4 serves read-only txns locally after a ReadIndex; the
   * answer is the same, it only costs a log entry).
   */
  @Override
  public CompletionStage<TxnResponse> txn(TxnRequest in) {
    return GrpcErrors.call(
        () -> {
          RequestChecks.checkTxn(in, member.limits().maxTxnOps());
          return propose(InternalRaftRequest.newBuilder().setTxn(in).build(), TxnResponse.class);
        });
  }

  /**
   * Answered once the compaction is applied. With physical=true etcd also waits for the physical compaction;
   * the store has no way to wait for that yet, so physical is answered like logical.
   */
  @Override
  public CompletionStage<CompactionResponse> compact(CompactionRequest in) {
    return GrpcErrors.call(
        () -> propose(InternalRaftRequest.newBuilder().setCompaction(in).build(), CompactionResponse.class));
  }

  private <T extends Message> CompletionStage<T> propose(InternalRaftRequest request, Class<T> responseType) {
    return Proposals.propose(member, request, responseType);
  }
}
