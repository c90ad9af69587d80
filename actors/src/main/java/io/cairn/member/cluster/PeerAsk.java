package io.cairn.member.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Request and reply between members over Artery for what is not Raft's (a joining member's membership query, a
 * follower's lease requests): a protobuf request that carries its reply_to, an ActorRef in its serialization
 * format, sent to a system actor at the same name on every member.
 */
public final class PeerAsk {
  private PeerAsk() {}

  /** Serves requests at /system/{name}, each answered to the reply_to it carries. Once per ActorSystem. */
  public static <Q, R> void serve(ActorSystem<?> system, String name, Class<Q> type, Function<Q, String> replyTo,
      Function<Q, R> answer) {
    serveAsync(system, name, type, replyTo, request -> CompletableFuture.completedFuture(answer.apply(request)));
  }

  /** As {@link #serve}, for answers that complete later; the reply goes out when the answer completes. */
  public static <Q, R> void serveAsync(ActorSystem<?> system, String name, Class<Q> type,
      Function<Q, String> replyTo, Function<Q, CompletionStage<R>> answer) {
    ActorRefResolver resolver = ActorRefResolver.get(system);
    system.systemActorOf(
        Behaviors.receive(type)
            .onMessage(type, request -> {
              ActorRef<R> to = resolver.resolveActorRef(replyTo.apply(request));
              answer.apply(request).thenAccept(to::tell);
              return Behaviors.same();
            })
            .build(),
        name, Props.empty());
  }

  /** The actor served at /system/{name} on the member reached at peerUrl. */
  public static <Q> ActorRef<Q> at(ActorSystem<?> system, String peerUrl, String name) {
    return ActorRefResolver.get(system).resolveActorRef(PeerAddress.of(peerUrl).akkaAddress() + "/system/" + name);
  }

  /** Asks peer; request builds the message around the serialized reply_to. Fails after timeout. */
  public static <Q, R> CompletionStage<R> ask(ActorSystem<?> system, ActorRef<Q> peer, Function<String, Q> request,
      Duration timeout) {
    ActorRefResolver resolver = ActorRefResolver.get(system);
    return AskPattern.<Q, R>ask(peer, replyTo -> request.apply(resolver.toSerializationFormat(replyTo)), timeout,
        system.scheduler());
  }
}
