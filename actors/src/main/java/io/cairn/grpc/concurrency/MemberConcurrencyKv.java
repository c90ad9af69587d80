package io.cairn.grpc.concurrency;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.LeaseGrantResponse;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.api.mvccpb.Event;
import io.cairn.grpc.LeaseGranter;
import io.cairn.member.EtcdException;
import io.cairn.member.MemberApi;
import io.cairn.persistence.mvcc.MvccException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** {@link ConcurrencyKv} on the member: reads after a ReadIndex, writes through the log. */
public final class MemberConcurrencyKv implements ConcurrencyKv {
  private final MemberApi member;
  private final Executor readExecutor;
  private final LeaseGranter granter;

  /** @param readExecutor runs store reads, so they never run on the thread that completed the ReadIndex */
  public MemberConcurrencyKv(MemberApi member, Executor readExecutor) {
    this.member = member;
    this.readExecutor = readExecutor;
    this.granter = new LeaseGranter(member);
  }

  @Override
  public CompletionStage<RangeResponse> range(RangeRequest request) {
    return member.linearizableRead().thenApplyAsync(ignored -> read(request), readExecutor);
  }

  private RangeResponse read(RangeRequest request) {
    // Taken before the read: a lower bound of the revision read at (see ConcurrencyKv.range).
    long revision = member.store().currentRevision();
    try {
      return member.store().range(request).setHeader(member.header(revision)).build();
    } catch (MvccException e) {
      throw EtcdException.of(e);
    }
  }

  @Override
  public CompletionStage<TxnResponse> txn(TxnRequest request) {
    return member.propose(InternalRaftRequest.newBuilder().setTxn(request).build()).thenApply(m -> (TxnResponse) m);
  }

  @Override
  public Source<Event, NotUsed> events(ByteString key, ByteString rangeEnd, long startRevision) {
    return member.watchHub().events(key, rangeEnd, startRevision);
  }

  @Override
  public CompletionStage<Long> grantLease(long ttlSeconds) {
    return granter.grant(0, ttlSeconds).thenApply(LeaseGrantResponse::getID);
  }

  @Override
  public ResponseHeader header(long revision) {
    return member.header(revision);
  }
}
