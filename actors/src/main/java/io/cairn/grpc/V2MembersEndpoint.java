package io.cairn.grpc;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.cairn.member.ClusterInfo;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import io.cairn.member.MemberApi;
import io.cairn.member.cluster.NewUrls;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * etcd 3.4's v2 members API on the client URL, served with --enable-v2 (etcdserver/api/v2http/client.go
 * membersHandler, getID, unmarshalRequest; httptypes.MemberCreateRequest; types.NewURLs). Changes go through the
 * member's {@link io.cairn.member.Reconfiguration}, as the v3 Cluster service's do. Not served: etcd's CORS headers
 * (Cairn's /version has none either) and 410 "Member permanently removed" (a removed ID is answered 404, as
 * {@link io.cairn.member.MembershipChanges} reports it as not found).
 */
final class V2MembersEndpoint {
  static final String PREFIX = "/v2/members";
  private static final List<String> METHODS = List.of("GET", "POST", "DELETE", "PUT");
  private static final long BODY_TIMEOUT_MILLIS = 5_000;
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final MemberApi member;
  private final ActorSystem<?> system;

  V2MembersEndpoint(MemberApi member, ActorSystem<?> system) {
    this.member = member;
    this.system = system;
  }

  /** etcd registers membersHandler for "/v2/members" and "/v2/members/" (a subtree). */
  static boolean matches(String path) {
    return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
  }

  CompletionStage<HttpResponse> answer(HttpRequest request) {
    String method = request.method().value();
    if (!METHODS.contains(method)) {
      // allowMethod: before the cluster ID header is set
      request.discardEntityBytes(system);
      return done(HttpEndpoints.goError(StatusCodes.METHOD_NOT_ALLOWED, "Method Not Allowed")
          .addHeader(RawHeader.create("Allow", String.join(",", METHODS))));
    }
    RawHeader clusterId = RawHeader.create("X-Etcd-Cluster-Id", Long.toHexString(member.cluster().clusterId()));
    String rest = trimPrefix(request.getUri().path());
    CompletionStage<HttpResponse> response = switch (method) {
      case "GET" -> {
        request.discardEntityBytes(system);
        yield done(get(rest));
      }
      case "POST" -> withPeerUrls(request, this::add);
      case "DELETE" -> {
        request.discardEntityBytes(system);
        yield withId(rest, id -> change(id, () -> ClusterService.reconfiguration(member).remove(id)));
      }
      default -> withId(rest, id -> withPeerUrls(request,
          urls -> change(id, () -> ClusterService.reconfiguration(member).update(id, urls))));
    };
    return response.thenApply(r -> r.addHeader(clusterId));
  }

  private HttpResponse get(String rest) {
    if (rest.isEmpty()) {
      JsonArray members = new JsonArray();
      member.cluster().members().forEach(m -> members.add(toJson(m)));
      JsonObject collection = new JsonObject();
      collection.add("members", members);
      return encoded(StatusCodes.OK, collection);
    }
    if (rest.equals("leader")) {
      long leader = member.raftStatus().leaderId();
      Optional<ClusterInfo.Member> m =
          member.cluster().members().stream().filter(x -> x.id() == leader).findFirst();
      return m.isPresent() ? encoded(StatusCodes.OK, toJson(m.get()))
          : httpError(StatusCodes.SERVICE_UNAVAILABLE, "During election");
    }
    return httpError(StatusCodes.NOT_FOUND, "Not found");
  }

  /** POST: 201 with the new member (no name, no client URLs yet); a learner is not asked for in v2. */
  private CompletionStage<HttpResponse> add(List<String> peerUrls) {
    return attempt(() -> ClusterService.reconfiguration(member).add(peerUrls, false)).handle((m, failure) -> failure == null ? encoded(StatusCodes.CREATED, toJson(m))
        : changeError(failure, 0));
  }

  /** PUT and DELETE: 204, or etcd's errors for the change. */
  private static CompletionStage<HttpResponse> change(long id, java.util.function.Supplier<CompletionStage<Void>> call) {
    return attempt(call).handle((v, failure) -> failure == null ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
        : changeError(failure, id));
  }

  /** The reconfiguration's refusals (thrown before it returns a stage) as a failed stage, like its later ones. */
  private static <T> CompletionStage<T> attempt(java.util.function.Supplier<CompletionStage<T>> call) {
    try {
      return call.get();
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** ErrIDNotFound 404, ErrPeerURLexists / ErrIDExists 409, anything else writeError's 500. */
  private static HttpResponse changeError(Throwable failure, long id) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    EtcdError error = cause instanceof EtcdException e ? e.error() : null;
    if (error == EtcdError.MEMBER_NOT_FOUND && id != 0) {
      return httpError(StatusCodes.NOT_FOUND, "No such member: " + Long.toHexString(id));
    }
    if (error == EtcdError.PEER_URL_EXIST) {
      return httpError(StatusCodes.CONFLICT, "membership: peerURL exists");
    }
    if (error == EtcdError.MEMBER_EXIST) {
      return httpError(StatusCodes.CONFLICT, "membership: ID exists");
    }
    return httpError(StatusCodes.INTERNAL_SERVER_ERROR, "Internal Server Error");
  }

  /** getID: no ID is Go's 405, an ID that is not hex 404 "No such member: <as given>". */
  private static CompletionStage<HttpResponse> withId(String rest, Function<Long, CompletionStage<HttpResponse>> then) {
    if (rest.isEmpty()) {
      return done(HttpEndpoints.goError(StatusCodes.METHOD_NOT_ALLOWED, "Method Not Allowed"));
    }
    long id;
    try {
      id = Long.parseUnsignedLong(rest, 16);
    } catch (NumberFormatException e) {
      return done(httpError(StatusCodes.NOT_FOUND, "No such member: " + rest));
    }
    return then.apply(id);
  }

  /** unmarshalRequest: Content-Type application/json (415), then the body as a MemberCreateRequest (400). */
  private CompletionStage<HttpResponse> withPeerUrls(
      HttpRequest request, Function<List<String>, CompletionStage<HttpResponse>> then) {
    var contentType = request.entity().getContentType();
    String ctype = contentType.equals(ContentTypes.NO_CONTENT_TYPE) ? "" : contentType.mediaType().toString();
    if (!ctype.equals("application/json")) {
      request.discardEntityBytes(system);
      return done(httpError(StatusCodes.UNSUPPORTED_MEDIA_TYPE,
          "Bad Content-Type " + ctype + ", accept application/json"));
    }
    return request.entity().toStrict(BODY_TIMEOUT_MILLIS, system)
        .thenApply(HttpEntity.Strict::getData)
        .thenCompose(bytes -> {
          List<String> urls;
          try {
            urls = NewUrls.parseAll(peerUrlsField(bytes.utf8String())).stream().map(URI::toString).toList();
          } catch (IllegalArgumentException e) {
            return done(httpError(StatusCodes.BAD_REQUEST, e.getMessage()));
          }
          return then.apply(urls);
        });
  }

  /** encoding/json into struct{ PeerURLs []string `json:"peerURLs"` }, with Go's messages for the usual mistakes. */
  static List<String> peerUrlsField(String body) {
    if (body.isBlank()) {
      throw new IllegalArgumentException("unexpected end of JSON input");
    }
    JsonElement parsed;
    boolean trailing;
    try (JsonReader reader = new JsonReader(new StringReader(body))) {
      reader.setLenient(false);
      parsed = GSON.getAdapter(JsonElement.class).read(reader);
      trailing = reader.peek() != JsonToken.END_DOCUMENT;
    } catch (IOException | RuntimeException e) {
      if (e instanceof EOFException || e.getCause() instanceof EOFException
          || String.valueOf(e.getMessage()).contains("End of input")) {
        throw new IllegalArgumentException("unexpected end of JSON input");
      }
      char first = body.strip().charAt(0);
      throw new IllegalArgumentException("{[\"-0123456789tfn".indexOf(first) < 0
          ? "invalid character '" + first + "' looking for beginning of value"
          : "invalid character in JSON input"); // Go names the character and where; not reproduced
    }
    if (trailing) {
      throw new IllegalArgumentException("invalid character after top-level value");
    }
    if (parsed.isJsonNull()) {
      return List.of();
    }
    if (!parsed.isJsonObject()) {
      throw new IllegalArgumentException("json: cannot unmarshal " + kind(parsed)
          + " into Go value of type struct { PeerURLs []string \"json:\\\"peerURLs\\\"\" }");
    }
    JsonElement field = null;
    for (Map.Entry<String, JsonElement> e : parsed.getAsJsonObject().entrySet()) {
      if (e.getKey().equalsIgnoreCase("peerURLs")) { // Go matches field names case-insensitively
        field = e.getValue();
      }
    }
    if (field == null || field.isJsonNull()) {
      return List.of();
    }
    if (!field.isJsonArray()) {
      throw new IllegalArgumentException(
          "json: cannot unmarshal " + kind(field) + " into Go struct field .peerURLs of type []string");
    }
    List<String> urls = new ArrayList<>();
    for (JsonElement url : field.getAsJsonArray()) {
      if (url.isJsonNull()) {
        urls.add("");
      } else if (url.isJsonPrimitive() && url.getAsJsonPrimitive().isString()) {
        urls.add(url.getAsString());
      } else {
        throw new IllegalArgumentException(
            "json: cannot unmarshal " + kind(url) + " into Go struct field .peerURLs of type string");
      }
    }
    return urls;
  }

  private static String kind(JsonElement e) {
    if (e.isJsonArray()) {
      return "array";
    }
    if (e.isJsonObject()) {
      return "object";
    }
    var p = e.getAsJsonPrimitive();
    return p.isString() ? "string" : p.isNumber() ? "number" : "bool";
  }

  /** httptypes.Member: id as types.ID's hex, then name, peerURLs, clientURLs (no isLearner in 3.4). */
  private static JsonObject toJson(ClusterInfo.Member m) {
    JsonObject o = new JsonObject();
    o.addProperty("id", Long.toHexString(m.id()));
    o.addProperty("name", m.name());
    JsonArray peers = new JsonArray();
    m.peerUrls().forEach(peers::add);
    o.add("peerURLs", peers);
    JsonArray clients = new JsonArray();
    m.clientUrls().forEach(clients::add);
    o.add("clientURLs", clients);
    return o;
  }

  /** json.NewEncoder(w).Encode: a newline after the value. */
  private static HttpResponse encoded(StatusCode status, JsonElement body) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, GSON.toJson(body) + "\n");
  }

  /** httptypes.HTTPError.WriteTo: {"message":...}, no newline. */
  private static HttpResponse httpError(StatusCode status, String message) {
    JsonObject o = new JsonObject();
    o.addProperty("message", message);
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, GSON.toJson(o));
  }

  /** trimPrefix(p, membersPrefix): the prefix, then one leading slash. */
  private static String trimPrefix(String path) {
    String rest = path.substring(PREFIX.length());
    return rest.startsWith("/") ? rest.substring(1) : rest;
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
