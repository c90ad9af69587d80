package io.cairn.grpc.concurrency;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.api.mvccpb.Event;
import java.util.concurrent.CompletionStage;

/**
 * The slice of the KV API the server-side recipes (etcd's clientv3/concurrency run by v3lock and
 * v3election) use, so they can be tested against an in-memory store. Failures are EtcdExceptions.
 */
public interface ConcurrencyKv {

  /**
   * A linearizable range. The header's revision is at most the revision the range was read at, so watching
   * from it (inclusive) misses nothing that happened after the read.
   */
  CompletionStage<RangeResponse> range(RangeRequest request);

  /** A txn through the log; its header carries the revision it left the store at. */
  CompletionStage<TxnResponse> txn(TxnRequest request);

  /** Events on [key, rangeEnd) (rangeEnd empty: key only) from startRevision on, in revision order. */
  Source<Event, NotUsed> events(ByteString key, ByteString rangeEnd, long startRevision);

  /** Grants a fresh lease (for a session asked for without one); completes with its id. */
  CompletionStage<Long> grantLease(long ttlSeconds);

  /** A response header at the given revision. */
  ResponseHeader header(long revision);
}
