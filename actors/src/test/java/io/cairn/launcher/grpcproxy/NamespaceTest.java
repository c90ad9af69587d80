package io.cairn.launcher.grpcproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.grpc.GrpcServiceException;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.Compare;
import io.cairn.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.api.etcdserverpb.ResponseOp;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.api.etcdserverpb.WatchCreateRequest;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.api.mvccpb.Event;
import io.cairn.api.mvccpb.KeyValue;
import io.cairn.api.v3electionpb.LeaderKey;
import org.junit.jupiter.api.Test;

/** clientv3/namespace's rewriting as the proxy applies it (namespace/util.go prefixInterval, kv.go, watch.go). */
class NamespaceTest {
  private final Namespace ns = new Namespace("my-prefix/");

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Test
  void rangeEndZeroBecomesThePrefixEnd() {
    RangeRequest all = ns.in(RangeRequest.newBuilder().setKey(b("\0")).setRangeEnd(b("\0")).build());
    assertEquals(b("my-prefix/\0"), all.getKey());
    assertEquals(b("my-prefix0"), all.getRangeEnd()); // '/' + 1
    RangeRequest interval = ns.in(RangeRequest.newBuilder().setKey(b("a")).setRangeEnd(b("b")).build());
    assertEquals(b("my-prefix/a"), interval.getKey());
    assertEquals(b("my-prefix/b"), interval.getRangeEnd());
    assertEquals(ByteString.EMPTY, ns.in(RangeRequest.newBuilder().setKey(b("a")).build()).getRangeEnd());
  }

  @Test
  void fromKeyMeansUpToTheEndOfThePrefix() {
    // namespace/util.go prefixInterval: "\0" (every key from key on) ends where the prefix's keys end
    assertEquals(b("b"), new Namespace("a").rangeEnd(b("\0")));
    assertEquals(b("my-prefix0"), ns.rangeEnd(b("\0")));
    assertEquals(b("\0"), new Namespace("").rangeEnd(b("\0"))); // no prefix: unchanged
  }

  @Test
  void responsesLoseThePrefix() {
    RangeResponse r = ns.out(RangeResponse.newBuilder()
        .addKvs(KeyValue.newBuilder().setKey(b("my-prefix/k")).setValue(b("v"))).build());
    assertEquals(b("k"), r.getKvs(0).getKey());
    PutResponse put = ns.out(PutResponse.newBuilder().setPrevKv(KeyValue.newBuilder().setKey(b("my-prefix/k"))).build());
    assertEquals(b("k"), put.getPrevKv().getKey());
  }

  @Test
  void txnComparesAndNestedOpsArePrefixed() {
    TxnRequest nested = TxnRequest.newBuilder()
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b("inner")))).build();
    TxnRequest txn = ns.in(TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(b("c")).setRangeEnd(b("\0")))
        .addSuccess(RequestOp.newBuilder().setRequestTxn(nested))
        .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(b("f"))))
        .build());
    assertEquals(b("my-prefix/c"), txn.getCompare(0).getKey());
    assertEquals(b("my-prefix0"), txn.getCompare(0).getRangeEnd());
    assertEquals(b("my-prefix/inner"), txn.getSuccess(0).getRequestTxn().getSuccess(0).getRequestPut().getKey());
    assertEquals(b("my-prefix/f"), txn.getFailure(0).getRequestRange().getKey());

    TxnResponse out = ns.out(TxnResponse.newBuilder().addResponses(ResponseOp.newBuilder().setResponseRange(
        RangeResponse.newBuilder().addKvs(KeyValue.newBuilder().setKey(b("my-prefix/f"))))).build());
    assertEquals(b("f"), out.getResponses(0).getResponseRange().getKvs(0).getKey());
  }

  @Test
  void watchCreateIsPrefixedAndEventsWithPrevKvAreNot() {
    WatchRequest create = ns.in(WatchRequest.newBuilder().setCreateRequest(
        WatchCreateRequest.newBuilder().setKey(b("w")).setRangeEnd(b("x"))).build());
    assertEquals(b("my-prefix/w"), create.getCreateRequest().getKey());
    assertEquals(b("my-prefix/x"), create.getCreateRequest().getRangeEnd());
    WatchResponse events = ns.out(WatchResponse.newBuilder().addEvents(Event.newBuilder()
        .setKv(KeyValue.newBuilder().setKey(b("my-prefix/w1")))
        .setPrevKv(KeyValue.newBuilder().setKey(b("my-prefix/w1")))).build());
    assertEquals(b("w1"), events.getEvents(0).getKv().getKey());
    assertEquals(b("w1"), events.getEvents(0).getPrevKv().getKey());
  }

  @Test
  void leaseKeysOutsideTheNamespaceAreDropped() {
    LeaseTimeToLiveResponse r = ns.out(LeaseTimeToLiveResponse.newBuilder()
        .addKeys(b("my-prefix/a")).addKeys(b("other")).build());
    assertEquals(java.util.List.of(b("a")), r.getKeysList());
  }

  @Test
  void electionLeaderKeysRoundTrip() {
    LeaderKey in = ns.in(LeaderKey.newBuilder().setName(b("el")).setKey(b("el/1")).build());
    assertEquals(b("my-prefix/el"), in.getName());
    assertEquals(b("el/1"), ns.out(in).getKey());
  }

  @Test
  void emptyKeyIsRefusedAndNoPrefixIsIdentity() {
    GrpcServiceException e = assertThrows(GrpcServiceException.class, () -> ns.requireKey(ByteString.EMPTY));
    assertEquals(Namespace.EMPTY_KEY_MESSAGE, e.getStatus().getDescription());
    RangeRequest r = RangeRequest.newBuilder().setKey(b("k")).build();
    assertSame(r, new Namespace("").in(r));
  }
}
