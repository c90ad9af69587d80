package io.cairn.bench;

import io.cairn.api.etcdserverpb.LeaseGrantRequest;
import io.cairn.api.etcdserverpb.LeaseKeepAliveRequest;
import io.cairn.api.etcdserverpb.LeaseKeepAliveResponse;
import io.grpc.CallOptions;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * etcd benchmark's {@code lease-keepalive}: each client grants a lease (TTL 100 s, not measured), then sends
 * keep-alives one at a time on its own LeaseKeepAlive stream; each keep-alive's round trip is one sample.
 */
@Command(name = "lease-keepalive", mixinStandardHelpOptions = true, description = "Benchmark lease keepalive")
final class LeaseKeepaliveCommand extends LoadCommand {
  private static final long LEASE_TTL_SEC = 100;

  private Stream[] streams;

  @Override
  String op() {
    return "lease-keepalive";
  }

  @Override
  void settings(Map<String, String> s) {}

  @Override
  LoadDriver.Op prepare(Connections conns) {
    streams = new Stream[root.clients];
    for (int c = 0; c < root.clients; c++) {
      long id = ClientCalls.blockingUnaryCall(conns.forClient(c), EtcdMethods.LEASE_GRANT,
          CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
          LeaseGrantRequest.newBuilder().setTTL(LEASE_TTL_SEC).build()).getID();
      Stream s = new Stream(LeaseKeepAliveRequest.newBuilder().setID(id).build());
      s.requests = ClientCalls.asyncBidiStreamingCall(
          conns.forClient(c).newCall(EtcdMethods.LEASE_KEEP_ALIVE, CallOptions.DEFAULT), s);
      streams[c] = s;
    }
    return (client, seq, done) -> streams[client].send(done);
  }

  @Override
  void finish(Connections conns) {
    for (Stream s : streams) s.close();
  }

  /** One client's keep-alive stream: at most one keep-alive outstanding. */
  private static final class Stream implements StreamObserver<LeaseKeepAliveResponse> {
    private final LeaseKeepAliveRequest request;
    StreamObserver<LeaseKeepAliveRequest> requests;
    private LoadDriver.Done pending;
    private Throwable failed;

    Stream(LeaseKeepAliveRequest request) {
      this.request = request;
    }

    void send(LoadDriver.Done done) {
      Throwable f;
      synchronized (this) {
        f = failed;
        if (f == null) pending = done;
      }
      if (f != null) {
        done.complete(f);
        return;
      }
      requests.onNext(request);
    }

    @Override
    public void onNext(LeaseKeepAliveResponse response) {
      LoadDriver.Done d = take();
      if (d == null) return;
      d.complete(response.getTTL() > 0 ? null : new IllegalStateException("lease expired (TTL " + response.getTTL() + ")"));
    }

    @Override
    public void onError(Throwable t) {
      synchronized (this) {
        failed = t;
      }
      LoadDriver.Done d = take();
      if (d != null) d.complete(t);
    }

    @Override
    public void onCompleted() {
      onError(new IllegalStateException("keep-alive stream closed by the server"));
    }

    private synchronized LoadDriver.Done take() {
      LoadDriver.Done d = pending;
      pending = null;
      return d;
    }

    void close() {
      try {
        requests.onCompleted();
      } catch (RuntimeException ignored) {
        // Already failed or cancelled.
      }
    }
  }
}
