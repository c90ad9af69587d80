package io.cairn.grpc;

import com.google.protobuf.Message;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.member.MemberApi;
import java.util.concurrent.CompletionStage;

/** Proposes a request and casts the applied response to the type the RPC returns. */
final class Proposals {
  private Proposals() {}

  static <T extends Message> CompletionStage<T> propose(
      MemberApi member, InternalRaftRequest request, Class<T> responseType) {
    return member.propose(request).thenApply(responseType::cast);
  }
}
