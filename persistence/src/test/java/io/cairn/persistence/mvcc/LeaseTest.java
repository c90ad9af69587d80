package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.mvccpb.Event;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaseTest extends StoreTestSupport {

  private void grant(long id, long ttl) throws MvccException {
    apply(
        b -> {
          b.leaseGrant(id, ttl);
          return null;
        });
  }

  private List<Event> revoke(long id) throws MvccException {
    return apply(
        b -> {
          b.leaseRevoke(id);
          return b.events();
        });
  }

  @Test
  void grantTwiceAndRevokeUnknownAreRefused() throws Exception {
    grant(1, 10);
    assertCode(MvccException.Code.LEASE_EXISTS, () -> grant(1, 20));
    assertCode(MvccException.Code.LEASE_NOT_FOUND, () -> revoke(2));
    assertEquals(10, store.lease(1).orElseThrow().ttlSeconds());
    assertEquals(Set.of(1L), store.leases().keySet());
    assertEquals(1, store.currentRevision());
  }

  @Test
  void revokeDeletesAttachedKeysInOneRevision() throws Exception {
    grant(1, 10);
    put("b", "1", 1);
    put("a", "1", 1);
    put("c", "1");
    assertEquals(Set.of(bs("a"), bs("b")), store.lease(1).orElseThrow().keys());
    List<Event> ev = revoke(1);
    assertEquals(5, store.currentRevision());
    assertEquals(2, ev.size());
    assertEquals(List.of("a", "b"), ev.stream().map(e -> str(e.getKv().getKey())).toList());
    assertTrue(ev.stream().allMatch(e -> e.getType() == Event.EventType.DELETE));
    assertTrue(ev.stream().allMatch(e -> e.getKv().getModRevision() == 5));
    assertTrue(get("a").isEmpty());
    assertTrue(get("b").isEmpty());
    assertTrue(get("c").isPresent());
    assertTrue(store.lease(1).isEmpty());
    assertCode(MvccException.Code.LEASE_NOT_FOUND, () -> put("d", "1", 1));
  }

  @Test
  void revokingAnEmptyLeaseKeepsTheRevision() throws Exception {
    grant(1, 10);
    assertTrue(revoke(1).isEmpty());
    assertEquals(1, store.currentRevision());
  }

  @Test
  void putWithAnotherLeaseOrDeleteDetaches() throws Exception {
    grant(1, 10);
    grant(2, 10);
    put("k", "v", 1);
    put("k", "v", 2);
    assertTrue(store.lease(1).orElseThrow().keys().isEmpty());
    assertEquals(Set.of(bs("k")), store.lease(2).orElseThrow().keys());
    put("j", "v", 2);
    delete("k", "");
    assertEquals(Set.of(bs("j")), store.lease(2).orElseThrow().keys());
    put("j", "v");
    assertTrue(store.lease(2).orElseThrow().keys().isEmpty());
  }

  @Test
  void leasesAndAttachmentSurviveReopen() throws Exception {
    grant(1, 10);
    grant(2, 20);
    put("a", "1", 1);
    put("b", "1", 2);
    put("b", "2", 1);
    put("c", "1", 2);
    delete("c", "");
    reopen();
    assertEquals(Set.of(1L, 2L), store.leases().keySet());
    assertEquals(20, store.lease(2).orElseThrow().ttlSeconds());
    assertEquals(Set.of(bs("a"), bs("b")), store.lease(1).orElseThrow().keys());
    assertTrue(store.lease(2).orElseThrow().keys().isEmpty());
    revoke(1);
    reopen();
    assertEquals(Set.of(2L), store.leases().keySet());
    assertTrue(get("a").isEmpty());
  }

  @Test
  void grantAttachAndRevokeWithinOneBatch() throws Exception {
    put("old", "1");
    apply(
        b -> {
          b.leaseGrant(9, 5);
          b.put(PutRequest.newBuilder().setKey(bs("x")).setValue(bs("1")).setLease(9).build());
          b.put(PutRequest.newBuilder().setKey(bs("old")).setValue(bs("2")).setLease(9).build());
          long before = b.revision();
          b.leaseRevoke(9);
          assertEquals(before + 1, b.revision());
          b.leaseGrant(9, 6);
          b.put(PutRequest.newBuilder().setKey(bs("y")).setValue(bs("1")).setLease(9).build());
          return null;
        });
    assertEquals(Set.<ByteString>of(bs("y")), store.lease(9).orElseThrow().keys());
    assertEquals(6, store.lease(9).orElseThrow().ttlSeconds());
    assertTrue(get("x").isEmpty());
    assertTrue(get("old").isEmpty());
    reopen();
    assertEquals(Set.<ByteString>of(bs("y")), store.lease(9).orElseThrow().keys());
  }
}
