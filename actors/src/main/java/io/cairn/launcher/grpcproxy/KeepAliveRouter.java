package io.cairn.launcher.grpcproxy;

import akka.Done;
import akka.grpc.GrpcServiceException;
import akka.japi.Pair;
import akka.stream.Attributes;
import akka.stream.FanInShape2;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractGraphStageWithMaterializedValue;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.AsyncCallback;
import akka.stream.stage.GraphStageLogic;
import io.cairn.api.etcdserverpb.LeaseKeepAliveRequest;
import io.cairn.api.etcdserverpb.LeaseKeepAliveResponse;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The routing half of one shared member keep-alive stream (etcd's s-stream): client requests (in0, from the
 * upstream's MergeHub) go to the member (out) in arrival order, and each member answer (in1) goes to the client
 * that asked first for that lease ID and has not been answered yet (a FIFO of waiting clients per ID). An answer
 * nobody waits for is dropped. The member answers one response per request, in order, and a TTL <= 0 for an
 * unknown lease (etcd's v3rpc LeaseKeepAlive), so each client gets one answer per request, in order.
 *
 * <p>Bounds: a client with {@code maxWaiting} requests unanswered, or whose answer queue is full (it does not read),
 * is failed with RESOURCE_EXHAUSTED alone; answers are offered without waiting, so one slow client never holds the
 * member stream or its siblings. The member side is pulled only as fast as the member takes requests.
 */
final class KeepAliveRouter
    extends AbstractGraphStageWithMaterializedValue<
        FanInShape2<KeepAliveRouter.Event, LeaseKeepAliveResponse, LeaseKeepAliveRequest>, KeepAliveRouter.Control> {

  sealed interface Event permits Sent, HalfClosed {}

  record Sent(KeepAliveClient client, LeaseKeepAliveRequest request) implements Event {}

  /** The client's request stream ended: once answered, its response stream completes, as a member's would. */
  record HalfClosed(KeepAliveClient client) implements Event {}

  /** Thread-safe handle on a running router. */
  interface Control {
    /** Forget the client's waiting requests: it has gone. */
    void detach(KeepAliveClient client);

    /** No client left: end the member stream (half-close, as clientv3 does when its last keep-alive ends). */
    void close();
  }

  private final FanInShape2<Event, LeaseKeepAliveResponse, LeaseKeepAliveRequest> shape =
      new FanInShape2<>("KeepAliveRouter");
  private final int maxWaiting;
  private final Consumer<Throwable> onEnd;

  /** {@code onEnd}: called once when the member stream ends, with its failure or null when it completed. */
  KeepAliveRouter(int maxWaiting, Consumer<Throwable> onEnd) {
    this.maxWaiting = maxWaiting;
    this.onEnd = onEnd;
  }

  @Override
  public FanInShape2<Event, LeaseKeepAliveResponse, LeaseKeepAliveRequest> shape() {
    return shape;
  }

  @Override
  public Pair<GraphStageLogic, Control> createLogicAndMaterializedValuePair(Attributes attributes) {
    Logic logic = new Logic();
    return Pair.create(logic, logic);
  }

  /** A client's unanswered requests (where they wait is in the per-ID FIFOs). */
  private static final class Waiting {
    int count;
    boolean halfClosed;
  }

  private final class Logic extends GraphStageLogic implements Control {
    private final Inlet<Event> events = shape.in0();
    private final Inlet<LeaseKeepAliveResponse> answers = shape.in1();
    private final Outlet<LeaseKeepAliveRequest> toMember = shape.out();
    private final Map<Long, ArrayDeque<KeepAliveClient>> waiters = new HashMap<>();
    private final Map<KeepAliveClient, Waiting> byClient = new HashMap<>();
    private final AsyncCallback<KeepAliveClient> detachCallback = createAsyncCallback(this::dropWaiters);
    private final AsyncCallback<Done> closeCallback = createAsyncCallback(done -> closeRequests());
    private boolean ended;

    Logic() {
      super(shape);
      setHandler(events, new AbstractInHandler() {
        @Override
        public void onPush() {
          Event event = grab(events);
          if (event instanceof Sent sent) {
            forward(sent);
          } else {
            halfClosed(((HalfClosed) event).client());
          }
          pullEvents();
        }

        @Override
        public void onUpstreamFinish() {
          // the MergeHub never completes on its own; the member stream ends through close()
        }
      });
      setHandler(toMember, new AbstractOutHandler() {
        @Override
        public void onPull() {
          pullEvents();
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          // the member call is ending: its answers side reports how (in1), which ends this router
        }
      });
      setHandler(answers, new AbstractInHandler() {
        @Override
        public void onPush() {
          answer(grab(answers));
          pull(answers);
        }

        @Override
        public void onUpstreamFinish() {
          end(null);
        }

        @Override
        public void onUpstreamFailure(Throwable failure) {
          end(failure);
        }
      });
    }

    @Override
    public void preStart() {
      pull(answers);
    }

    @Override
    public void postStop() {
      if (!ended) {
        ended = true;
        onEnd.accept(new GrpcServiceException(
            Status.UNAVAILABLE.withDescription("grpcproxy: lease keep-alive stream to the member stopped")));
      }
    }

    @Override
    public void detach(KeepAliveClient client) {
      detachCallback.invoke(client);
    }

    @Override
    public void close() {
      closeCallback.invoke(Done.getInstance());
    }

    private void pullEvents() {
      if (isAvailable(toMember) && !hasBeenPulled(events) && !isClosed(events)) {
        pull(events);
      }
    }

    private void forward(Sent sent) {
      KeepAliveClient client = sent.client();
      if (client.isClosed()) {
        return;
      }
      Waiting waiting = byClient.computeIfAbsent(client, c -> new Waiting());
      if (waiting.count >= maxWaiting) {
        exhausted(client, "grpcproxy: more than " + maxWaiting + " lease keep-alives waiting for an answer");
        return;
      }
      long id = sent.request().getID();
      waiters.computeIfAbsent(id, i -> new ArrayDeque<>()).add(client);
      waiting.count++;
      push(toMember, sent.request());
    }

    private void halfClosed(KeepAliveClient client) {
      Waiting waiting = byClient.get(client);
      if (waiting == null) {
        client.complete();
      } else {
        waiting.halfClosed = true;
      }
    }

    private void answer(LeaseKeepAliveResponse answer) {
      long id = answer.getID();
      ArrayDeque<KeepAliveClient> fifo = waiters.get(id);
      if (fifo == null) {
        return; // nobody waits for this lease (its client has gone): dropped
      }
      KeepAliveClient client = fifo.poll();
      if (fifo.isEmpty()) {
        waiters.remove(id);
      }
      Waiting waiting = byClient.get(client);
      if (--waiting.count == 0) {
        byClient.remove(client);
      }
      if (!client.offer(answer)) {
        exhausted(client, "grpcproxy: lease keep-alive client too slow, its answer queue is full");
      } else if (waiting.count == 0 && waiting.halfClosed) {
        client.complete();
      }
    }

    private void exhausted(KeepAliveClient client, String why) {
      client.fail(new GrpcServiceException(Status.RESOURCE_EXHAUSTED.withDescription(why)));
      dropWaiters(client);
    }

    private void dropWaiters(KeepAliveClient client) {
      Waiting waiting = byClient.remove(client);
      if (waiting == null) {
        return;
      }
      // A client leaves rarely; its places are found by scanning the FIFOs (at most maxWaiting per client).
      waiters.values().removeIf(fifo -> {
        fifo.removeIf(c -> c == client);
        return fifo.isEmpty();
      });
    }

    private void closeRequests() {
      if (!isClosed(toMember)) {
        complete(toMember);
      }
      cancel(events);
    }

    private void end(Throwable failure) {
      ended = true;
      waiters.clear();
      byClient.clear();
      onEnd.accept(failure);
      completeStage();
    }
  }
}
