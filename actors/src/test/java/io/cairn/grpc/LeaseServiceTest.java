package io.cairn.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.grpc.GrpcServiceException;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import com.google.protobuf.Message;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.LeaseGrantRequest;
import io.cairn.api.etcdserverpb.LeaseGrantResponse;
import io.cairn.api.etcdserverpb.LeaseKeepAliveRequest;
import io.cairn.api.etcdserverpb.LeaseKeepAliveResponse;
import io.cairn.api.etcdserverpb.LeaseLeasesRequest;
import io.cairn.api.etcdserverpb.LeaseRevokeRequest;
import io.cairn.api.etcdserverpb.LeaseRevokeResponse;
import io.cairn.api.etcdserverpb.LeaseStatus;
import io.cairn.api.etcdserverpb.LeaseTimeToLiveRequest;
import io.cairn.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.cairn.member.ClusterInfo;
import io.cairn.member.EtcdError;
import io.cairn.member.RaftStatus;
import io.cairn.member.lease.Lessor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class LeaseServiceTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final long MIN_TTL = 2;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A member whose "applier" applies lease grants and revokes to a real Lessor, as the real one does. */
  static final class FakeMember extends MemberApiStub {
    final Lessor lessor = new Lessor(this, null, MIN_TTL);
    final List<InternalRaftRequest> proposals = new ArrayList<>();
    /** The id the member would pick next for a grant without one (MemberNode's etcd-style generator). */
    long nextLeaseId = 1000;
    long revision = 10;

    FakeMember() {
      super(1, 2, 1);
    }

    @Override
    public ClusterInfo cluster() {
      return new ClusterInfo(1, 2, "m", List.of());
    }

    @Override
    public RaftStatus raftStatus() {
      return new RaftStatus(2, 1, 0, 0, false);
    }

    @Override
    public Lessor lessor() {
      return lessor;
    }

    @Override
    long currentRevision() {
      return revision;
    }

    @Override
    public CompletionStage<Message> propose(InternalRaftRequest request) {
      proposals.add(request);
      if (request.hasLeaseGrant()) {
        long id = request.getLeaseGrant().getID() != 0 ? request.getLeaseGrant().getID() : nextLeaseId++;
        if (lessor.contains(id)) {
          return CompletableFuture.failedFuture(EtcdError.LEASE_EXIST.exception());
        }
        long ttl = request.getLeaseGrant().getTTL();
        lessor.granted(id, ttl);
        return CompletableFuture.completedFuture(
            LeaseGrantResponse.newBuilder().setHeader(header()).setID(id).setTTL(ttl).build());
      }
      if (request.hasLeaseRevoke()) {
        long id = request.getLeaseRevoke().getID();
        if (!lessor.contains(id)) {
          return CompletableFuture.failedFuture(EtcdError.LEASE_NOT_FOUND.exception());
        }
        lessor.revoked(id);
        revision++;
        return CompletableFuture.completedFuture(LeaseRevokeResponse.newBuilder().setHeader(header()).build());
      }
      return CompletableFuture.failedFuture(new IllegalArgumentException(request.toString()));
    }

  }

  static LeaseService service(FakeMember member) {
    return new LeaseService(member, testKit.system());
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static Status failure(CompletionStage<?> stage) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(GrpcServiceException.class, e.getCause()).getStatus();
  }

  @Test
  void grantWithoutIdLeavesTheIdToTheMemberAndAnswersTheAppliedOne() throws Exception {
    FakeMember member = new FakeMember();
    LeaseGrantResponse resp = await(service(member).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(30).build()));
    assertEquals(0, member.proposals.get(0).getLeaseGrant().getID(), "the member picks the id");
    assertEquals(member.nextLeaseId - 1, resp.getID());
    assertEquals(30, resp.getTTL());
    assertEquals(10, resp.getHeader().getRevision());
  }

  @Test
  void requestedIdIsKeptAndAnExistingOneRefused() throws Exception {
    FakeMember member = new FakeMember();
    LeaseService leases = service(member);
    assertEquals(42, await(leases.leaseGrant(LeaseGrantRequest.newBuilder().setID(42).setTTL(30).build())).getID());
    Status s = failure(leases.leaseGrant(LeaseGrantRequest.newBuilder().setID(42).setTTL(30).build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, s.getCode());
    assertEquals("etcdserver: lease already exists", s.getDescription());
  }

  @Test
  void ttlBelowMinimumIsRaisedInProposalAndResponse() throws Exception {
    FakeMember member = new FakeMember();
    LeaseGrantResponse resp = await(service(member).leaseGrant(LeaseGrantRequest.newBuilder().setID(1).setTTL(1).build()));
    assertEquals(MIN_TTL, resp.getTTL());
    assertEquals(MIN_TTL, member.proposals.get(0).getLeaseGrant().getTTL());
  }

  @Test
  void tooLargeTtlIsRefusedWithoutProposing() {
    FakeMember member = new FakeMember();
    Status s = failure(service(member).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(9_000_000_001L).build()));
    assertEquals(Status.Code.OUT_OF_RANGE, s.getCode());
    assertEquals("etcdserver: too large lease TTL", s.getDescription());
    assertTrue(member.proposals.isEmpty());
  }

  @Test
  void revokeUnknownLeaseIsNotFound() throws Exception {
    FakeMember member = new FakeMember();
    LeaseService leases = service(member);
    Status s = failure(leases.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(99).build()));
    assertEquals(Status.Code.NOT_FOUND, s.getCode());
    assertEquals("etcdserver: requested lease not found", s.getDescription());

    member.lessor.granted(99, 10);
    assertEquals(11, await(leases.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(99).build())).getHeader().getRevision());
  }

  @Test
  void keepAliveAnswersTtlAndZeroForUnknownLeases() throws Exception {
    FakeMember member = new FakeMember();
    member.lessor.granted(1, 30);
    List<LeaseKeepAliveResponse> out =
        await(
            service(member)
                .leaseKeepAlive(
                    Source.from(
                        List.of(
                            LeaseKeepAliveRequest.newBuilder().setID(1).build(),
                            LeaseKeepAliveRequest.newBuilder().setID(2).build())))
                .runWith(Sink.seq(), Materializer.matFromSystem(testKit.system())));
    assertEquals(2, out.size());
    assertEquals(1, out.get(0).getID());
    assertEquals(30, out.get(0).getTTL());
    assertEquals(2, out.get(1).getID());
    assertEquals(0, out.get(1).getTTL());
    assertEquals(10, out.get(1).getHeader().getRevision());
  }

  @Test
  void timeToLiveAndLeases() throws Exception {
    FakeMember member = new FakeMember();
    LeaseService leases = service(member);
    member.lessor.granted(3, 30);
    member.lessor.granted(4, 10);
    LeaseTimeToLiveResponse known = await(leases.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(3).build()));
    assertEquals(3, known.getID());
    assertEquals(30, known.getGrantedTTL());
    assertTrue(known.getTTL() == 29 || known.getTTL() == 30, "remaining, truncated: " + known.getTTL());

    LeaseTimeToLiveResponse unknown = await(leases.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(5).build()));
    assertEquals(5, unknown.getID());
    assertEquals(-1, unknown.getTTL());
    assertEquals(0, unknown.getGrantedTTL());
    assertEquals(10, unknown.getHeader().getRevision());

    List<Long> ids =
        await(leases.leaseLeases(LeaseLeasesRequest.getDefaultInstance())).getLeasesList().stream()
            .map(LeaseStatus::getID)
            .collect(Collectors.toList());
    assertEquals(List.of(4L, 3L), ids);
  }
}
