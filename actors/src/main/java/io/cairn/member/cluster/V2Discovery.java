package io.cairn.member.cluster;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.cairn.launcher.config.CapnslogMarkers;
import io.cairn.member.MemberIds;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's discovery protocol (--discovery, etcdserver/api/v2discovery), on the v2 keys API of a discovery service:
 * a public one (discovery.etcd.io) or an existing etcd cluster with --enable-v2 (guide 002, "etcd discovery").
 * The discovery URL is a directory whose {@code _config/size} says how many members the new cluster has; each
 * member registers {@code name=peerURLs} under its member ID (the ID etcd derives from its advertised peer URLs
 * with the discovery URL as token) and waits until {@code size} members have; the first {@code size} registrations,
 * in creation order, are the initial cluster.
 *
 * <p>As etcd: a cluster already full is refused before registering; an unreachable service is retried with
 * exponential backoff (1 s doubling to 256 s, then every 256 s) until it answers; the wait for the other members
 * has no bound (a signal ends it), as nothing can start before them.
 */
public final class V2Discovery {
  private static final Logger LOG = LoggerFactory.getLogger("discovery");
  /** etcd's client.DefaultRequestTimeout. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_EXPONENTIAL_RETRIES = 8;

  /** A registration node: its key, value ("name=url,...") and creation index. */
  record Node(String key, String value, long createdIndex, long modifiedIndex) {
    String base() {
      return key.substring(key.lastIndexOf('/') + 1);
    }
  }

  /** etcd's discovery errors; {@link #getMessage()} is etcd's text. */
  public static final class DiscoveryException extends Exception {
    public enum Kind { DUPLICATE_ID, DUPLICATE_NAME, FULL_CLUSTER, OTHER }

    private final Kind kind;

    DiscoveryException(Kind kind, String message) {
      super(message);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }

  /** A v2 keys API error answer ({"errorCode":100,"message":"Key not found",...}), printed as etcd's client does. */
  private static final class KeysApiError extends Exception {
    final int code;

    KeysApiError(JsonObject error) {
      super(error.get("errorCode").getAsInt() + ": " + str(error, "message") + " (" + str(error, "cause") + ") ["
          + (error.has("index") ? error.get("index").getAsLong() : 0) + "]");
      this.code = error.get("errorCode").getAsInt();
    }
  }

  /** The service did not answer (connection refused, timeout, 5xx): etcd's ClusterError, retried. */
  private static final class Unreachable extends Exception {
    Unreachable(String message) {
      super(message);
    }
  }

  private record Listing(List<Node> nodes, long size, long index) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
  private final URI discoveryUrl;
  private final String selfId;
  private int retries;

  private V2Discovery(URI discoveryUrl, long selfId) {
    this.discoveryUrl = discoveryUrl;
    this.selfId = MemberIds.hex(selfId);
  }

  /**
   * Registers this member ({@code config}: its "name=peerURL,..." entries) and returns the initial cluster,
   * "name=url,..." of the first {@code size} members.
   */
  public static String joinCluster(String discoveryUrl, long selfId, String config)
      throws DiscoveryException, InterruptedException {
    URI url;
    try {
      url = URI.create(discoveryUrl);
    } catch (IllegalArgumentException e) {
      throw new DiscoveryException(DiscoveryException.Kind.OTHER, e.getMessage());
    }
    try {
      return new V2Discovery(url, selfId).join(config);
    } catch (BadEndpoint e) {
      throw new DiscoveryException(DiscoveryException.Kind.OTHER, e.getMessage());
    }
  }

  private String join(String config) throws DiscoveryException, InterruptedException {
    checkCluster(); // fast path: a full cluster is refused before registering
    createSelf(config);
    Listing listing = checkCluster();
    return nodesToCluster(waitNodes(listing), listing.size());
  }

  private void createSelf(String config) throws DiscoveryException, InterruptedException {
    JsonObject created;
    try {
      String body = "value=" + URLEncoder.encode(config, StandardCharsets.UTF_8);
      created = send(HttpRequest.newBuilder(keyUri(selfKey(), "prevExist=false"))
          .timeout(REQUEST_TIMEOUT)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .PUT(HttpRequest.BodyPublishers.ofString(body)).build()).body();
    } catch (KeysApiError e) {
      if (e.code == 105) { // node exists
        throw new DiscoveryException(DiscoveryException.Kind.DUPLICATE_ID, "discovery: found duplicate id");
      }
      throw new DiscoveryException(DiscoveryException.Kind.OTHER, e.getMessage());
    } catch (Unreachable e) {
      // etcd: createSelf fails, even on a timeout (it is not idempotent)
      throw new DiscoveryException(DiscoveryException.Kind.OTHER, e.getMessage());
    }
    long createdIndex = created.getAsJsonObject("node").get("createdIndex").getAsLong();
    // etcd waits until its own key is visible on the server it talks to
    try {
      send(HttpRequest.newBuilder(keyUri(selfKey(), "wait=true&waitIndex=" + createdIndex)).GET().build());
    } catch (KeysApiError | Unreachable e) {
      throw new DiscoveryException(DiscoveryException.Kind.OTHER, e.getMessage());
    }
  }

  private Listing checkCluster() throws DiscoveryException, InterruptedException {
    while (true) {
      try {
        return checkClusterOnce();
      } catch (Unreachable e) {
        backoff("cluster status check", e);
      }
    }
  }

  private Listing checkClusterOnce() throws DiscoveryException, InterruptedException, Unreachable {
    long size;
    try {
      JsonObject sizeNode = send(get(keyUri(token() + "/_config/size", null))).body().getAsJsonObject("node");
      size = Long.parseUnsignedLong(str(sizeNode, "value"));
    } catch (KeysApiError e) {
      throw new DiscoveryException(DiscoveryException.Kind.OTHER, e.getMessage());
    } catch (NumberFormatException e) {
      throw new DiscoveryException(DiscoveryException.Kind.OTHER, "discovery: size key is bad");
    }
    Answer dir;
    try {
      dir = send(get(keyUri(token(), null)));
    } catch (KeysApiError e) {
      throw new DiscoveryException(DiscoveryException.Kind.OTHER, e.getMessage());
    }
    List<Node> nodes = new ArrayList<>();
    JsonElement children = dir.body().getAsJsonObject("node").get("nodes");
    if (children != null) {
      for (JsonElement child : children.getAsJsonArray()) {
        Node n = node(child.getAsJsonObject());
        if (!n.base().equals("_config")) {
          nodes.add(n);
        }
      }
    }
    nodes.sort(Comparator.comparingLong(Node::createdIndex));
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).base().equals(selfId)) {
        break;
      }
      if (i >= size - 1) {
        throw new DiscoveryException(DiscoveryException.Kind.FULL_CLUSTER, "discovery: cluster is full");
      }
    }
    return new Listing(nodes, size, dir.etcdIndex());
  }

  /** etcd's waitNodes; after an outage of the service it starts over from a fresh listing (etcd's waitNodesRetry). */
  private List<Node> waitNodes(Listing first) throws DiscoveryException, InterruptedException {
    Listing listing = first;
    while (true) {
      try {
        return waitNodesOnce(listing);
      } catch (Unreachable e) {
        backoff("waiting for other nodes", e);
        listing = checkCluster();
      }
    }
  }

  private List<Node> waitNodesOnce(Listing listing) throws DiscoveryException, InterruptedException, Unreachable {
    List<Node> all = new ArrayList<>(listing.nodes().subList(0, (int) Math.min(listing.nodes().size(), listing.size())));
    for (Node n : all) {
      if (n.base().equals(selfId)) {
        LOG.info(CapnslogMarkers.NOTICE, "found self {} in the cluster", n.base());
      } else {
        LOG.info(CapnslogMarkers.NOTICE, "found peer {} in the cluster", n.base());
      }
    }
    long waitIndex = listing.index() + 1;
    while (all.size() < listing.size()) {
      LOG.info(CapnslogMarkers.NOTICE, "found {} peer(s), waiting for {} more", all.size(), listing.size() - all.size());
      Node next;
      try {
        // no request timeout: the wait lasts until the next member registers
        next = node(send(get(keyUri(token(), "wait=true&recursive=true&waitIndex=" + waitIndex)))
            .body().getAsJsonObject("node"));
      } catch (KeysApiError e) {
        throw new DiscoveryException(DiscoveryException.Kind.OTHER, e.getMessage());
      }
      LOG.info(CapnslogMarkers.NOTICE, "found peer {} in the cluster", next.base());
      all.add(next);
      waitIndex = next.modifiedIndex() + 1;
    }
    LOG.info(CapnslogMarkers.NOTICE, "found {} needed peer(s)", all.size());
    return all;
  }

  /** etcd's nodesToCluster: the registrations joined, one name per member. */
  static String nodesToCluster(List<Node> nodes, long size) throws DiscoveryException {
    String cluster = String.join(",", nodes.stream().map(Node::value).toList());
    Map<String, List<String>> byName;
    try {
      byName = MemberIds.parseInitialCluster(cluster);
    } catch (IllegalArgumentException e) {
      throw new DiscoveryException(DiscoveryException.Kind.OTHER, "discovery: invalid URL");
    }
    if (byName.size() != size) {
      throw new DiscoveryException(DiscoveryException.Kind.DUPLICATE_NAME, "discovery: found duplicate name");
    }
    return cluster;
  }

  /** etcd's logAndBackoffForRetry: 2^retries seconds, at most 2^8. */
  private void backoff(String step, Exception cause) throws InterruptedException {
    retries++;
    long seconds = 1L << Math.min(retries, MAX_EXPONENTIAL_RETRIES);
    LOG.info("{}: error #{}: {}", step, retries, cause.getMessage());
    LOG.info("{}: waiting for {}s", step, seconds);
    Thread.sleep(Duration.ofSeconds(seconds).toMillis());
  }

  private record Answer(JsonObject body, long etcdIndex) {}

  /** An answer that is not JSON: etcd's ErrBadDiscoveryEndpoint. */
  private static final class BadEndpoint extends RuntimeException {
    BadEndpoint() {
      super("discovery: bad discovery endpoint");
    }
  }

  private Answer send(HttpRequest request) throws KeysApiError, Unreachable, InterruptedException {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new Unreachable("client: etcd cluster is unavailable or misconfigured; error #0: " + e);
    }
    if (response.statusCode() >= 500) {
      throw new Unreachable("client: etcd cluster is unavailable or misconfigured; error #0: " + response.statusCode());
    }
    JsonObject body;
    try {
      body = JsonParser.parseString(response.body()).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new BadEndpoint();
    }
    if (body.has("errorCode")) {
      throw new KeysApiError(body);
    }
    long index = response.headers().firstValueAsLong("X-Etcd-Index").orElse(0);
    return new Answer(body, index);
  }

  private static HttpRequest get(URI uri) {
    return HttpRequest.newBuilder(uri).GET().build();
  }

  /** The discovery URL's path is the token: etcd keeps the whole path, /v2/keys included. */
  private String token() {
    String path = discoveryUrl.getRawPath();
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private String selfKey() {
    return token() + "/" + selfId;
  }

  private URI keyUri(String path, String query) {
    String base = discoveryUrl.getScheme() + "://" + discoveryUrl.getRawAuthority();
    return URI.create(base + path + (query == null ? "" : "?" + query));
  }

  private static Node node(JsonObject n) {
    return new Node(str(n, "key"), str(n, "value"), n.get("createdIndex").getAsLong(), n.get("modifiedIndex").getAsLong());
  }

  private static String str(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e == null || e.isJsonNull() ? "" : e.getAsString();
  }
}
