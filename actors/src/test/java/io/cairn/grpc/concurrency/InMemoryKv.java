package io.cairn.grpc.concurrency;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.Compare;
import io.cairn.api.etcdserverpb.DeleteRangeResponse;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.etcdserverpb.ResponseOp;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.api.mvccpb.Event;
import io.cairn.api.mvccpb.KeyValue;
import io.cairn.member.EtcdError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A small in-memory MVCC store with etcd's revision rules, enough for the recipes: ranges with
 * max_create_revision / sort by create revision / limit, txns with create-revision and value compares, leases
 * whose revocation deletes their keys, and watchable history.
 */
final class InMemoryKv implements ConcurrencyKv {
  private final TreeMap<ByteString, KeyValue> live = new TreeMap<>(ByteString.unsignedLexicographicalComparator());
  private final List<Event> history = new ArrayList<>();
  private final Set<Long> leases = new HashSet<>();
  private long revision = 1;
  private long nextLeaseId = 0x100;
  private CompletableFuture<Void> changed = new CompletableFuture<>();

  synchronized long revision() {
    return revision;
  }

  synchronized long grant() {
    long id = nextLeaseId++;
    leases.add(id);
    return id;
  }

  synchronized Set<Long> leases() {
    return Set.copyOf(leases);
  }

  synchronized Optional<KeyValue> get(String key) {
    return Optional.ofNullable(live.get(ByteString.copyFromUtf8(key)));
  }

  /** Revokes a lease: deletes its keys in one revision, as the applier would. */
  synchronized void revoke(long leaseId) {
    leases.remove(leaseId);
    List<ByteString> keys = new ArrayList<>();
    live.forEach((k, kv) -> {
      if (kv.getLease() == leaseId) {
        keys.add(k);
      }
    });
    if (!keys.isEmpty()) {
      revision++;
      keys.forEach(this::deleteAtRevision);
      signal();
    }
  }

  @Override
  public synchronized CompletionStage<RangeResponse> range(RangeRequest r) {
    return CompletableFuture.completedFuture(rangeNow(r).setHeader(header(revision)).build());
  }

  private RangeResponse.Builder rangeNow(RangeRequest r) {
    List<KeyValue> kvs = new ArrayList<>();
    if (r.getRangeEnd().isEmpty()) {
      Optional.ofNullable(live.get(r.getKey())).ifPresent(kvs::add);
    } else {
      kvs.addAll(live.subMap(r.getKey(), true, r.getRangeEnd(), false).values());
    }
    if (r.getMaxCreateRevision() > 0) {
      kvs.removeIf(kv -> kv.getCreateRevision() > r.getMaxCreateRevision());
    }
    if (r.getSortTarget() == RangeRequest.SortTarget.CREATE) {
      Comparator<KeyValue> byCreate = Comparator.comparingLong(KeyValue::getCreateRevision);
      kvs.sort(r.getSortOrder() == RangeRequest.SortOrder.DESCEND ? byCreate.reversed() : byCreate);
    }
    int count = kvs.size();
    if (r.getLimit() > 0 && kvs.size() > r.getLimit()) {
      kvs = kvs.subList(0, (int) r.getLimit());
    }
    return RangeResponse.newBuilder().addAllKvs(kvs).setCount(count).setMore(count > kvs.size());
  }

  @Override
  public synchronized CompletionStage<TxnResponse> txn(TxnRequest t) {
    boolean ok = t.getCompareList().stream().allMatch(this::holds);
    List<RequestOp> ops = ok ? t.getSuccessList() : t.getFailureList();
    for (RequestOp op : ops) {
      if (op.hasRequestPut() && op.getRequestPut().getLease() != 0 && !leases.contains(op.getRequestPut().getLease())) {
        return CompletableFuture.failedFuture(EtcdError.LEASE_NOT_FOUND.exception());
      }
    }
    boolean writes = ops.stream().anyMatch(op -> op.hasRequestPut()
        || (op.hasRequestDeleteRange() && live.containsKey(op.getRequestDeleteRange().getKey())));
    if (writes) {
      revision++;
    }
    TxnResponse.Builder out = TxnResponse.newBuilder().setSucceeded(ok);
    for (RequestOp op : ops) {
      if (op.hasRequestRange()) {
        out.addResponses(ResponseOp.newBuilder().setResponseRange(rangeNow(op.getRequestRange()).setHeader(header(revision))));
      } else if (op.hasRequestPut()) {
        var put = op.getRequestPut();
        KeyValue old = live.get(put.getKey());
        KeyValue kv = KeyValue.newBuilder()
            .setKey(put.getKey()).setValue(put.getValue()).setLease(put.getLease())
            .setCreateRevision(old == null ? revision : old.getCreateRevision())
            .setModRevision(revision)
            .setVersion(old == null ? 1 : old.getVersion() + 1)
            .build();
        live.put(put.getKey(), kv);
        history.add(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build());
        out.addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.newBuilder().setHeader(header(revision))));
      } else if (op.hasRequestDeleteRange()) {
        boolean deleted = deleteAtRevision(op.getRequestDeleteRange().getKey());
        out.addResponses(ResponseOp.newBuilder().setResponseDeleteRange(
            DeleteRangeResponse.newBuilder().setHeader(header(revision)).setDeleted(deleted ? 1 : 0)));
      }
    }
    if (writes) {
      signal();
    }
    return CompletableFuture.completedFuture(out.setHeader(header(revision)).build());
  }

  private boolean holds(Compare c) {
    KeyValue kv = live.get(c.getKey());
    long actual;
    switch (c.getTarget()) {
      case CREATE -> actual = kv == null ? 0 : kv.getCreateRevision();
      case MOD -> actual = kv == null ? 0 : kv.getModRevision();
      case VERSION -> actual = kv == null ? 0 : kv.getVersion();
      case VALUE -> {
        return c.getResult() == Compare.CompareResult.EQUAL
            ? kv != null && kv.getValue().equals(c.getValue())
            : kv != null && !kv.getValue().equals(c.getValue());
      }
      default -> throw new IllegalArgumentException(c.toString());
    }
    long expected = switch (c.getTarget()) {
      case CREATE -> c.getCreateRevision();
      case MOD -> c.getModRevision();
      default -> c.getVersion();
    };
    return switch (c.getResult()) {
      case EQUAL -> actual == expected;
      case NOT_EQUAL -> actual != expected;
      case GREATER -> actual > expected;
      case LESS -> actual < expected;
      default -> false;
    };
  }

  private boolean deleteAtRevision(ByteString key) {
    KeyValue old = live.remove(key);
    if (old == null) {
      return false;
    }
    history.add(Event.newBuilder().setType(Event.EventType.DELETE)
        .setKv(KeyValue.newBuilder().setKey(key).setModRevision(revision)).build());
    return true;
  }

  private void signal() {
    CompletableFuture<Void> c = changed;
    changed = new CompletableFuture<>();
    c.complete(null);
  }

  /** Replays history from startRevision, then follows new events; never ends by itself. */
  @Override
  public Source<Event, NotUsed> events(ByteString key, ByteString rangeEnd, long startRevision) {
    return Source.unfoldAsync(0, index -> nextFrom(index, key, rangeEnd, startRevision))
        .mapConcat(List::of);
  }

  private CompletionStage<Optional<akka.japi.Pair<Integer, Event>>> nextFrom(
      int index, ByteString key, ByteString rangeEnd, long startRevision) {
    CompletableFuture<Void> wait;
    int scanned;
    synchronized (this) {
      for (int i = index; i < history.size(); i++) {
        Event ev = history.get(i);
        if (ev.getKv().getModRevision() >= startRevision && matches(ev.getKv().getKey(), key, rangeEnd)) {
          return CompletableFuture.completedFuture(Optional.of(akka.japi.Pair.create(i + 1, ev)));
        }
      }
      wait = changed;
      scanned = history.size();
    }
    return wait.thenCompose(x -> nextFrom(scanned, key, rangeEnd, startRevision));
  }

  private static boolean matches(ByteString k, ByteString key, ByteString rangeEnd) {
    if (rangeEnd.isEmpty()) {
      return k.equals(key);
    }
    Comparator<ByteString> c = ByteString.unsignedLexicographicalComparator();
    return c.compare(k, key) >= 0 && c.compare(k, rangeEnd) < 0;
  }

  @Override
  public CompletionStage<Long> grantLease(long ttlSeconds) {
    return CompletableFuture.completedFuture(grant());
  }

  @Override
  public ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setClusterId(1).setMemberId(2).setRaftTerm(3).setRevision(revision).build();
  }
}
