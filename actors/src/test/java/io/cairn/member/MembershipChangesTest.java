package io.cairn.member;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.internal.ConfChange;
import io.cairn.api.internal.MemberRecord;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** etcd's ValidateConfigurationChange and applyConfChange, as pure functions. */
class MembershipChangesTest {

  private static final MembershipChanges.State THREE = new MembershipChanges.State(List.of(
      new ClusterInfo.Member(1, "m1", List.of("http://a:2380"), List.of(), false),
      new ClusterInfo.Member(2, "m2", List.of("http://b:2380"), List.of(), false),
      new ClusterInfo.Member(3, "m3", List.of("http://c:2380"), List.of(), false)), Set.of(9L));

  private static ConfChange change(ConfChange.Type type, long id, boolean promote, String... urls) {
    return ConfChange.newBuilder().setType(type).setPromote(promote)
        .setMember(MemberRecord.newBuilder().setId(id).addAllPeerUrls(List.of(urls))
            .setLearner(type == ConfChange.Type.ADD_LEARNER_NODE)).build();
  }

  @Test
  void addsAreCheckedAsEtcdDoes() {
    assertEquals(Optional.empty(), MembershipChanges.validate(THREE, change(ConfChange.Type.ADD_NODE, 4, false, "http://d:2380")));
    assertEquals(Optional.of(EtcdError.MEMBER_EXIST),
        MembershipChanges.validate(THREE, change(ConfChange.Type.ADD_NODE, 2, false, "http://d:2380")));
    assertEquals(Optional.of(EtcdError.PEER_URL_EXIST),
        MembershipChanges.validate(THREE, change(ConfChange.Type.ADD_NODE, 4, false, "http://b:2380")));
    assertEquals(Optional.of(EtcdError.MEMBER_NOT_FOUND),
        MembershipChanges.validate(THREE, change(ConfChange.Type.ADD_NODE, 9, false, "http://d:2380")),
        "a removed ID never comes back");
    var withLearner = MembershipChanges.apply(THREE, change(ConfChange.Type.ADD_LEARNER_NODE, 4, false, "http://d:2380"));
    assertTrue(withLearner.member(4).orElseThrow().learner());
    assertEquals(Optional.of(EtcdError.TOO_MANY_LEARNERS),
        MembershipChanges.validate(withLearner, change(ConfChange.Type.ADD_LEARNER_NODE, 5, false, "http://e:2380")));
  }

  @Test
  void promoteRemoveAndUpdate() {
    assertEquals(Optional.of(EtcdError.MEMBER_NOT_LEARNER),
        MembershipChanges.validate(THREE, change(ConfChange.Type.ADD_NODE, 2, true)));
    assertEquals(Optional.of(EtcdError.MEMBER_NOT_FOUND),
        MembershipChanges.validate(THREE, change(ConfChange.Type.ADD_NODE, 7, true)));
    var withLearner = MembershipChanges.apply(THREE, change(ConfChange.Type.ADD_LEARNER_NODE, 4, false, "http://d:2380"));
    var promoted = MembershipChanges.apply(withLearner, change(ConfChange.Type.ADD_NODE, 4, true));
    assertFalse(promoted.member(4).orElseThrow().learner());

    var removed = MembershipChanges.apply(THREE, change(ConfChange.Type.REMOVE_NODE, 3, false));
    assertTrue(removed.member(3).isEmpty());
    assertEquals(Set.of(3L, 9L), removed.removed());
    assertEquals(Optional.of(EtcdError.MEMBER_NOT_FOUND),
        MembershipChanges.validate(removed, change(ConfChange.Type.REMOVE_NODE, 3, false)));

    assertEquals(Optional.of(EtcdError.PEER_URL_EXIST),
        MembershipChanges.validate(THREE, change(ConfChange.Type.UPDATE_NODE, 1, false, "http://b:2380")));
    var updated = MembershipChanges.apply(THREE, change(ConfChange.Type.UPDATE_NODE, 1, false, "http://z:2380"));
    assertEquals(List.of("http://z:2380"), updated.member(1).orElseThrow().peerUrls());
    assertEquals("m1", updated.member(1).orElseThrow().name());
  }

  @Test
  void peerUrlsAreCheckedAsEtcdsNewUrls() {
    Reconfiguration.checkUrls(List.of("http://127.0.0.1:2380", "https://[::1]:2380"));
    for (String bad : List.of("ftp://x:1", "http://x", "127.0.0.1:2380", "http://x:1/path")) {
      try {
        Reconfiguration.checkUrls(List.of(bad));
        throw new AssertionError(bad + " accepted");
      } catch (EtcdException e) {
        assertEquals(EtcdError.MEMBER_BAD_URLS, e.error());
      }
    }
  }
}
