package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.DeleteRangeResponse;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.api.mvccpb.KeyValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** A store on a temporary directory, and one-request-per-batch helpers. */
abstract class StoreTestSupport {
  @TempDir Path dir;
  MvccStore store;
  long raftIndex;

  @BeforeEach
  void openStore() throws IOException {
    store = MvccStore.open(dir.resolve("db"));
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  void reopen() throws IOException {
    store.close();
    store = MvccStore.open(dir.resolve("db"));
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static String str(ByteString b) {
    return b.toStringUtf8();
  }

  @FunctionalInterface
  interface BatchBody<T> {
    T run(ApplyBatch b) throws MvccException;
  }

  /** Applies one batch and commits it at the next raft index. */
  <T> T apply(BatchBody<T> body) throws MvccException {
    try (ApplyBatch b = store.beginApply()) {
      T out = body.run(b);
      b.commit(++raftIndex, false);
      return out;
    }
  }

  long put(String key, String value) throws MvccException {
    return put(key, value, 0);
  }

  long put(String key, String value, long lease) throws MvccException {
    return apply(
        b -> {
          b.put(PutRequest.newBuilder().setKey(bs(key)).setValue(bs(value)).setLease(lease).build());
          return b.revision();
        });
  }

  DeleteRangeResponse delete(String key, String rangeEnd) throws MvccException {
    return apply(
        b ->
            b.deleteRange(
                    DeleteRangeRequest.newBuilder()
                        .setKey(bs(key))
                        .setRangeEnd(bs(rangeEnd))
                        .setPrevKv(true)
                        .build())
                .build());
  }

  TxnResponse txn(TxnRequest t) throws MvccException {
    return apply(b -> b.txn(t).build());
  }

  RangeResponse range(RangeRequest.Builder r) throws MvccException {
    return store.range(r.build()).build();
  }

  Optional<KeyValue> get(String key) throws MvccException {
    RangeResponse r = range(RangeRequest.newBuilder().setKey(bs(key)));
    return r.getKvsCount() == 0 ? Optional.empty() : Optional.of(r.getKvs(0));
  }

  Optional<KeyValue> getAt(String key, long rev) throws MvccException {
    RangeResponse r = range(RangeRequest.newBuilder().setKey(bs(key)).setRevision(rev));
    return r.getKvsCount() == 0 ? Optional.empty() : Optional.of(r.getKvs(0));
  }

  static List<String> keys(RangeResponse r) {
    return r.getKvsList().stream().map(kv -> str(kv.getKey())).toList();
  }

  static void assertCode(MvccException.Code code, Executable e) {
    MvccException ex = assertThrows(MvccException.class, e);
    assertEquals(code, ex.code());
  }
}
