package io.cairn.grpc.concurrency;

import akka.NotUsed;
import akka.stream.Materializer;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.cairn.grpc.KeyRanges;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.mvccpb.Event;
import io.cairn.api.mvccpb.KeyValue;
import io.cairn.api.v3electionpb.CampaignResponse;
import io.cairn.api.v3electionpb.LeaderKey;
import io.cairn.api.v3electionpb.LeaderResponse;
import io.cairn.api.v3electionpb.ProclaimResponse;
import io.cairn.api.v3electionpb.ResignResponse;
import io.cairn.member.EtcdError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** etcd v3election: clientv3/concurrency/election.go run server-side on the request's lease. */
public final class ServerElection {
  private final ConcurrencyKv kv;
  private final SessionLeases sessions;
  private final PredecessorWait predecessors;
  private final WaiterLimit waiters;

  public ServerElection(ConcurrencyKv kv, Materializer materializer) {
    this(kv, materializer, WaiterLimit.DEFAULT_MAX_WAITERS);
  }

  ServerElection(ConcurrencyKv kv, Materializer materializer, int maxWaiters) {
    this.kv = kv;
    this.sessions = new SessionLeases(kv);
    this.predecessors = new PredecessorWait(kv, materializer);
    this.waiters = new WaiterLimit(maxWaiters);
  }

  /**
   * election.go Campaign: put our key with the value (or re-use it, proclaiming the new value), then wait
   * until every older candidate is gone. The response's header is the campaign txn's, as etcd's.
   */
  public CompletionStage<CampaignResponse> campaign(ByteString name, long requestedLeaseId, ByteString value) {
    return sessions.leaseFor(requestedLeaseId).thenCompose(leaseId -> campaignWith(name, leaseId, value));
  }

  private CompletionStage<CampaignResponse> campaignWith(ByteString name, long leaseId, ByteString value) {
    ByteString prefix = RecipeKeys.prefix(name);
    ByteString ownKey = RecipeKeys.ownKey(prefix, leaseId);
    TxnRequest txn =
        TxnRequest.newBuilder()
            .addCompare(RecipeKeys.createRevisionEquals(ownKey, 0))
            .addSuccess(RecipeKeys.putOp(ownKey, value, leaseId))
            .addFailure(RecipeKeys.rangeOp(RecipeKeys.get(ownKey)))
            .build();
    return kv.txn(txn)
        .thenCompose(
            resp -> {
              long ownRevision = resp.getHeader().getRevision();
              CompletionStage<Void> proclaimed = CompletableFuture.completedFuture(null);
              if (!resp.getSucceeded()) {
                KeyValue existing = resp.getResponses(0).getResponseRange().getKvs(0);
                ownRevision = existing.getCreateRevision();
                if (!existing.getValue().equals(value)) {
                  LeaderKey leader = leaderKey(name, ownKey, ownRevision, leaseId);
                  // election.go: a failed proclaim resigns before failing.
                  proclaimed =
                      proclaimWith(leader, leaseId, value)
                          .handle(
                              (ok, failure) ->
                                  failure == null
                                      ? CompletableFuture.<Void>completedFuture(null)
                                      : resign(leader)
                                          .handle((r, e) -> null)
                                          .thenCompose(
                                              x -> CompletableFuture.<Void>failedFuture(ServerMutex.unwrap(failure))))
                          .thenCompose(stage -> stage);
                }
              }
              long rev = ownRevision;
              CampaignResponse response =
                  CampaignResponse.newBuilder()
                      .setHeader(resp.getHeader())
                      .setLeader(leaderKey(name, ownKey, rev, leaseId))
                      .build();
              // On a failed wait etcd keeps the key (the session's lease decides its fate) unless the
              // client cancelled, which a unary Akka gRPC handler cannot see.
              return proclaimed
                  .thenCompose(x -> waiters.guard(() -> predecessors.await(prefix, ownKey, rev)))
                  .thenApply(header -> response);
            });
  }

  /** election.go Proclaim: overwrite the leader key's value if it is still ours, else ELECTION_NOT_LEADER. */
  public CompletionStage<ProclaimResponse> proclaim(LeaderKey leader, ByteString value) {
    // v3election builds the session on leader.lease: lease 0 gets a fresh session lease, as in etcd.
    return sessions
        .leaseFor(leader.getLease())
        .thenCompose(leaseId -> proclaimWith(leader, leaseId, value));
  }

  private CompletionStage<ProclaimResponse> proclaimWith(LeaderKey leader, long leaseId, ByteString value) {
    TxnRequest txn =
        TxnRequest.newBuilder()
            .addCompare(RecipeKeys.createRevisionEquals(leader.getKey(), leader.getRev()))
            .addSuccess(RecipeKeys.putOp(leader.getKey(), value, leaseId))
            .build();
    return kv.txn(txn)
        .thenApply(
            resp -> {
              if (!resp.getSucceeded()) {
                throw EtcdError.ELECTION_NOT_LEADER.exception();
              }
              return ProclaimResponse.newBuilder().setHeader(resp.getHeader()).build();
            });
  }

  /** election.go Resign: delete the leader key if it is still ours; not being leader is no error. */
  public CompletionStage<ResignResponse> resign(LeaderKey leader) {
    TxnRequest txn =
        TxnRequest.newBuilder()
            .addCompare(RecipeKeys.createRevisionEquals(leader.getKey(), leader.getRev()))
            .addSuccess(RecipeKeys.deleteOp(leader.getKey()))
            .build();
    return kv.txn(txn).thenApply(resp -> ResignResponse.newBuilder().setHeader(resp.getHeader()).build());
  }

  /** election.go Leader: the oldest key under the prefix, or ELECTION_NO_LEADER. */
  public CompletionStage<LeaderResponse> leader(ByteString name) {
    return kv.range(RecipeKeys.firstCreate(RecipeKeys.prefix(name)))
        .thenApply(
            resp -> {
              if (resp.getKvsCount() == 0) {
                throw EtcdError.ELECTION_NO_LEADER.exception();
              }
              return LeaderResponse.newBuilder().setHeader(resp.getHeader()).setKv(resp.getKvs(0)).build();
            });
  }

  /**
   * election.go observe: the current leader, then every change of its key's value, then (once it is
   * deleted) the next leader, and so on. With no leader, the first key put under the prefix. Like etcd,
   * the stream simply ends if a read or watch fails.
   */
  public Source<LeaderResponse, NotUsed> observe(ByteString name) {
    ByteString prefix = RecipeKeys.prefix(name);
    return Source.repeat(NotUsed.notUsed())
        .flatMapConcat(tick -> oneLeadership(prefix))
        .recoverWithRetries(1, Throwable.class, Source::empty);
  }

  private Source<LeaderResponse, NotUsed> oneLeadership(ByteString prefix) {
    return Source.completionStage(kv.range(RecipeKeys.firstCreate(prefix)))
        .flatMapConcat(
            resp ->
                resp.getKvsCount() > 0
                    ? Source.single(
                        LeaderResponse.newBuilder().setHeader(resp.getHeader()).setKv(resp.getKvs(0)).build())
                    : firstPut(prefix, resp.getHeader().getRevision()))
        .flatMapConcat(
            first ->
                // From the key's own mod revision + 1: exactly the changes after what we report first.
                Source.single(first)
                    .concat(
                        kv.events(first.getKv().getKey(), ByteString.EMPTY, first.getKv().getModRevision() + 1)
                            .takeWhile(ev -> ev.getType() != Event.EventType.DELETE)
                            .map(ev -> changed(ev.getKv()))));
  }

  /** election.go: "wait for first key put on prefix"; deletes are skipped. */
  private Source<LeaderResponse, NotUsed> firstPut(ByteString prefix, long fromRevision) {
    return kv.events(prefix, KeyRanges.prefixEnd(prefix), fromRevision)
        .filter(ev -> ev.getType() == Event.EventType.PUT)
        .take(1)
        .map(ev -> changed(ev.getKv()));
  }

  private LeaderResponse changed(KeyValue kv) {
    return LeaderResponse.newBuilder().setHeader(this.kv.header(kv.getModRevision())).setKv(kv).build();
  }

  private static LeaderKey leaderKey(ByteString name, ByteString key, long rev, long leaseId) {
    return LeaderKey.newBuilder().setName(name).setKey(key).setRev(rev).setLease(leaseId).build();
  }

  int waiting() {
    return waiters.waiting();
  }
}
