package io.cairn.launcher.grpcproxy;

import akka.NotUsed;
import akka.stream.BoundedSourceQueue;
import akka.stream.KillSwitches;
import akka.stream.Materializer;
import akka.stream.QueueOfferResult;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.cairn.api.etcdserverpb.LeaseKeepAliveRequest;
import io.cairn.api.etcdserverpb.LeaseKeepAliveResponse;

/**
 * One client's LeaseKeepAlive stream (etcd's c-stream) attached to a shared member stream: its requests go into the
 * upstream's hub, its answers come out of its own bounded queue. Thread-safe: the router, the hub and the gRPC
 * server's stream all touch it.
 */
final class KeepAliveClient {
  private final BoundedSourceQueue<LeaseKeepAliveResponse> answers;
  private volatile boolean closed;
  private volatile UniqueKillSwitch requests;

  KeepAliveClient(BoundedSourceQueue<LeaseKeepAliveResponse> answers) {
    this.answers = answers;
  }

  /** Runs the client's requests into the upstream's hub, then tells the router the client has half-closed. */
  void start(Source<LeaseKeepAliveRequest, NotUsed> in, Sink<KeepAliveRouter.Event, NotUsed> upstream,
      Materializer mat) {
    requests = in.viaMat(KillSwitches.single(), Keep.right())
        .<KeepAliveRouter.Event>map(request -> new KeepAliveRouter.Sent(this, request))
        // a client reset is the end of this client, not of the hub that its siblings share
        .recoverWithRetries(1, Throwable.class, Source::empty)
        .concat(Source.<KeepAliveRouter.Event>single(new KeepAliveRouter.HalfClosed(this)))
        .to(upstream)
        .run(mat);
  }

  /** Closed: the client went away or was ended here; the router forwards nothing more for it. */
  boolean isClosed() {
    return closed;
  }

  /** False when the client has left as many answers untaken as its queue holds. */
  boolean offer(LeaseKeepAliveResponse answer) {
    return !QueueOfferResult.dropped().equals(answers.offer(answer));
  }

  void fail(Throwable status) {
    closed = true;
    end(() -> answers.fail(status));
  }

  void complete() {
    closed = true;
    end(answers::complete);
  }

  /** The client's response stream has ended (cancelled, failed or completed): stop reading its requests. */
  void detached() {
    closed = true;
    UniqueKillSwitch switch_ = requests;
    if (switch_ != null) {
      switch_.shutdown();
    }
  }

  private static void end(Runnable ending) {
    try {
      ending.run();
    } catch (IllegalStateException alreadyEnded) {
      // Akka's bounded queue refuses a second ending; the client's stream has already ended (e.g. cancelled)
    }
  }
}
