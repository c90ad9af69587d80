package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.mvccpb.Event;
import io.cairn.api.mvccpb.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class PutGetTest extends StoreTestSupport {

  @Test
  void emptyStoreStartsAtRevisionOne() {
    assertEquals(1, store.currentRevision());
    assertEquals(0, store.compactedRevision());
    assertEquals(0, store.appliedIndex());
  }

  @Test
  void putsBumpRevisionAndVersionKeepingCreateRevision() throws Exception {
    assertEquals(2, put("a", "1"));
    assertEquals(3, put("a", "2"));
    assertEquals(4, put("b", "x"));
    KeyValue a = get("a").orElseThrow();
    assertEquals("2", str(a.getValue()));
    assertEquals(2, a.getCreateRevision());
    assertEquals(3, a.getModRevision());
    assertEquals(2, a.getVersion());
    assertEquals(4, store.currentRevision());
  }

  @Test
  void deleteEndsTheGenerationAndRecreateStartsAnew() throws Exception {
    put("a", "1"); // 2
    put("a", "2"); // 3
    delete("a", ""); // 4
    assertTrue(get("a").isEmpty());
    put("a", "3"); // 5
    KeyValue a = get("a").orElseThrow();
    assertEquals(5, a.getCreateRevision());
    assertEquals(1, a.getVersion());
    // history reads see each generation as it was
    assertEquals(2, getAt("a", 3).orElseThrow().getVersion());
    assertEquals("1", str(getAt("a", 2).orElseThrow().getValue()));
    assertTrue(getAt("a", 4).isEmpty());
    assertTrue(getAt("a", 1).isEmpty());
    assertEquals("3", str(store.get(bs("a"), 0).orElseThrow().getValue()));
    assertEquals("2", str(store.get(bs("a"), 3).orElseThrow().getValue()));
    assertTrue(store.get(bs("a"), 4).isEmpty());
    assertTrue(store.get(bs("a"), 99).isEmpty());
  }

  @Test
  void prevKvIgnoreValueAndIgnoreLease() throws Exception {
    apply(b -> {
      b.leaseGrant(7, 60);
      return null;
    });
    put("k", "v1", 7);
    PutResponse r =
        apply(
            b ->
                b.put(
                        PutRequest.newBuilder()
                            .setKey(bs("k"))
                            .setIgnoreValue(true)
                            .setIgnoreLease(true)
                            .setPrevKv(true)
                            .build())
                    .build());
    assertEquals("v1", str(r.getPrevKv().getValue()));
    KeyValue kv = get("k").orElseThrow();
    assertEquals("v1", str(kv.getValue()));
    assertEquals(7, kv.getLease());
    assertEquals(2, kv.getVersion());
  }

  @Test
  void putErrors() throws Exception {
    put("k", "v");
    assertCode(
        MvccException.Code.KEY_NOT_FOUND,
        () -> apply(b -> b.put(PutRequest.newBuilder().setKey(bs("nope")).setIgnoreValue(true).build())));
    assertCode(
        MvccException.Code.KEY_NOT_FOUND,
        () -> apply(b -> b.put(PutRequest.newBuilder().setKey(bs("nope")).setIgnoreLease(true).build())));
    assertCode(
        MvccException.Code.VALUE_PROVIDED,
        () ->
            apply(
                b ->
                    b.put(
                        PutRequest.newBuilder()
                            .setKey(bs("k"))
                            .setValue(bs("x"))
                            .setIgnoreValue(true)
                            .build())));
    assertCode(
        MvccException.Code.LEASE_PROVIDED,
        () ->
            apply(
                b ->
                    b.put(
                        PutRequest.newBuilder().setKey(bs("k")).setLease(5).setIgnoreLease(true).build())));
    assertCode(MvccException.Code.LEASE_NOT_FOUND, () -> put("k", "v", 99));
    assertEquals(2, store.currentRevision());
  }

  @Test
  void batchIsInvisibleUntilCommitAndEachRequestGetsItsRevision() throws Exception {
    try (ApplyBatch b = store.beginApply()) {
      b.put(PutRequest.newBuilder().setKey(bs("a")).setValue(bs("1")).build());
      b.put(PutRequest.newBuilder().setKey(bs("b")).setValue(bs("2")).build());
      b.put(PutRequest.newBuilder().setKey(bs("a")).setValue(bs("3")).build());
      assertEquals(4, b.revision());
      assertEquals(1, store.currentRevision());
      assertTrue(get("a").isEmpty());
      List<Event> events = b.events();
      assertEquals(
          List.of(2L, 3L, 4L), events.stream().map(e -> e.getKv().getModRevision()).toList());
      b.commit(10, true);
    }
    assertEquals(4, store.currentRevision());
    assertEquals(10, store.appliedIndex());
    KeyValue a = get("a").orElseThrow();
    assertEquals(2, a.getVersion());
    assertEquals(2, a.getCreateRevision());
  }

  @Test
  void failedRequestLeavesTheBatchAsItWas() throws Exception {
    try (ApplyBatch b = store.beginApply()) {
      b.put(PutRequest.newBuilder().setKey(bs("a")).setValue(bs("1")).build());
      assertThrows(
          MvccException.class,
          () -> b.put(PutRequest.newBuilder().setKey(bs("z")).setValue(bs("1")).setLease(3).build()));
      assertEquals(2, b.revision());
      assertEquals(1, b.events().size());
      b.put(PutRequest.newBuilder().setKey(bs("b")).setValue(bs("1")).build());
      assertEquals(3, b.revision());
      b.commit(1, false);
    }
    assertEquals(3, store.currentRevision());
    assertEquals(3, get("b").orElseThrow().getModRevision());
  }

  @Test
  void closedBatchIsDroppedAndANewOneCanStart() throws Exception {
    try (ApplyBatch b = store.beginApply()) {
      b.put(PutRequest.newBuilder().setKey(bs("a")).setValue(bs("1")).build());
      assertThrows(IllegalStateException.class, store::beginApply);
    }
    assertEquals(1, store.currentRevision());
    assertTrue(get("a").isEmpty());
    assertEquals(2, put("a", "1"));
  }

  @Test
  void reopenRecoversRevisionKeysAndAppliedIndex() throws Exception {
    put("a", "1");
    put("b", "2");
    delete("b", "");
    put("a", "3");
    assertEquals(5, store.currentRevision());
    long applied = store.appliedIndex();
    reopen();
    assertEquals(5, store.currentRevision());
    assertEquals(applied, store.appliedIndex());
    KeyValue a = get("a").orElseThrow();
    assertEquals(2, a.getVersion());
    assertEquals(2, a.getCreateRevision());
    assertTrue(get("b").isEmpty());
    assertEquals("2", str(getAt("b", 3).orElseThrow().getValue()));
    assertEquals(6, put("b", "again"));
    assertEquals(1, get("b").orElseThrow().getVersion());
  }

  @Test
  void uncommittedBatchIsLostOnReopen() throws Exception {
    put("a", "1");
    ApplyBatch b = store.beginApply();
    b.put(PutRequest.newBuilder().setKey(bs("b")).setValue(bs("1")).build());
    b.close();
    reopen();
    assertEquals(2, store.currentRevision());
    assertEquals(1, store.appliedIndex());
    assertFalse(get("b").isPresent());
  }

  @Test
  void metaAndAlarmsArePersisted() throws Exception {
    var nospace =
        io.cairn.api.etcdserverpb.AlarmMember.newBuilder()
            .setMemberID(42)
            .setAlarm(io.cairn.api.etcdserverpb.AlarmType.NOSPACE)
            .build();
    var corrupt = nospace.toBuilder().setAlarm(io.cairn.api.etcdserverpb.AlarmType.CORRUPT).build();
    apply(
        b -> {
          b.putMeta("cluster", new byte[] {1, 2, 3});
          b.alarmActivate(nospace);
          b.alarmActivate(corrupt);
          return null;
        });
    apply(
        b -> {
          b.alarmDeactivate(corrupt);
          return null;
        });
    assertEquals(List.of(nospace), store.alarms());
    reopen();
    assertEquals(List.of(nospace), store.alarms());
    assertEquals(3, store.meta("cluster").orElseThrow().length);
    assertTrue(store.meta("other").isEmpty());
    assertEquals(1, store.currentRevision());
  }
}
