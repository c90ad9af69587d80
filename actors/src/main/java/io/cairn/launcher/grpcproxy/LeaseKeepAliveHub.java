package io.cairn.launcher.grpcproxy;

import akka.NotUsed;
import akka.grpc.javadsl.Metadata;
import akka.stream.Materializer;
import akka.stream.javadsl.Source;
import io.cairn.api.etcdserverpb.LeaseKeepAliveRequest;
import io.cairn.api.etcdserverpb.LeaseKeepAliveResponse;
import io.cairn.grpc.GrpcErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lease keep-alive stream coalescing, as etcd's gRPC proxy (proxy/grpcproxy/lease.go keeps every client's
 * keep-alives on one clientv3 lessor, hence one member stream): client streams that forward the same metadata
 * ({@link CallMetadata#forwardedValues}: auth token, hasleader) share one member stream, opened with the first of
 * them and half-closed when the last one ends. Streams with different metadata never share, so a member checks each
 * request under the token its client sent.
 *
 * <p>When the member stream fails every attached client stream fails with its status (a completion completes them),
 * as forwarding would have; the next client stream opens a fresh one. The bounds are per client stream (see
 * {@link KeepAliveRouter}): at most {@code maxWaiting} requests unanswered and {@code maxUnread} answers not yet taken,
 * beyond which that stream alone fails with RESOURCE_EXHAUSTED.
 */
final class LeaseKeepAliveHub {
  static final int MAX_WAITING = 4096;
  static final int MAX_UNREAD = 4096;

  /** The member's LeaseKeepAlive call, with the metadata to forward. */
  interface Member {
    Source<LeaseKeepAliveResponse, NotUsed> keepAlive(Source<LeaseKeepAliveRequest, NotUsed> requests, Metadata md);
  }

  private final Member member;
  private final int maxWaiting;
  private final int maxUnread;
  private final Materializer mat;
  /** Every change to an upstream's clients or its place here runs inside compute on its key, hence one at a time. */
  private final ConcurrentHashMap<List<Optional<String>>, KeepAliveUpstream> upstreams = new ConcurrentHashMap<>();

  LeaseKeepAliveHub(Member member, int maxWaiting, int maxUnread, Materializer mat) {
    this.member = member;
    this.maxWaiting = maxWaiting;
    this.maxUnread = maxUnread;
    this.mat = mat;
  }

  /** A client's keep-alive stream; it attaches to its metadata's member stream when the gRPC server runs it. */
  Source<LeaseKeepAliveResponse, NotUsed> keepAlive(Source<LeaseKeepAliveRequest, NotUsed> in, Metadata md) {
    List<Optional<String>> key = CallMetadata.forwardedValues(md);
    return Source.<LeaseKeepAliveResponse>queue(maxUnread)
        .mapMaterializedValue(answers -> attach(key, md, new KeepAliveClient(answers), in))
        .watchTermination((client, done) -> {
          done.whenComplete((ok, failure) -> detach(key, client));
          return NotUsed.getInstance();
        });
  }

  private KeepAliveClient attach(List<Optional<String>> key, Metadata md, KeepAliveClient client,
      Source<LeaseKeepAliveRequest, NotUsed> in) {
    KeepAliveUpstream upstream = upstreams.compute(key, (k, current) -> {
      KeepAliveUpstream live = current != null ? current
          : new KeepAliveUpstream(requests -> member.keepAlive(requests, md), maxWaiting,
              (ended, failure) -> ended(k, ended, failure), mat);
      live.clients.add(client);
      return live;
    });
    client.start(in, upstream.requests, mat);
    return client;
  }

  private void detach(List<Optional<String>> key, KeepAliveClient client) {
    client.detached();
    List<KeepAliveUpstream> unused = new ArrayList<>(1);
    upstreams.computeIfPresent(key, (k, upstream) -> {
      if (!upstream.clients.remove(client)) {
        return upstream; // the client's member stream has already ended
      }
      if (upstream.clients.isEmpty()) {
        unused.add(upstream);
        return null;
      }
      upstream.control.detach(client);
      return upstream;
    });
    // Closed once it is out of the map, so whoever sees the member stream end also sees it gone from here.
    unused.forEach(upstream -> upstream.control.close());
  }

  private void ended(List<Optional<String>> key, KeepAliveUpstream upstream, Throwable failure) {
    List<KeepAliveClient> attached = new ArrayList<>();
    upstreams.compute(key, (k, current) -> {
      attached.addAll(upstream.clients);
      upstream.clients.clear();
      return current == upstream ? null : current;
    });
    for (KeepAliveClient client : attached) {
      if (failure == null) {
        client.complete();
      } else {
        client.fail(GrpcErrors.toStatusException(failure));
      }
    }
  }

  /** Member streams open now, for tests. */
  int upstreamCount() {
    return upstreams.size();
  }
}
