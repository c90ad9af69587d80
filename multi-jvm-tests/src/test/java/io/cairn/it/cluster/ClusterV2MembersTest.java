package io.cairn.it.cluster;

import static io.cairn.it.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * etcd 3.4's v2 members API on the client URL with --enable-v2 (etcdserver/api/v2http/client.go membersHandler), as
 * etcd's operator guide moves a member: {@code curl -XPUT .../v2/members/<id> -d '{"peerURLs":[...]}'}. Against etcd
 * and Cairn.
 */
@Tag("cluster")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterV2MembersTest extends ClusterTestBase {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void listAndMoveAMemberWithEnableV2(ServerProcess.Kind kind) {
        startCluster(kind, "v2members", 1, "--enable-v2");
        ServerProcess m1 = cluster.member(0);
        String id = cluster.memberIdHex(0, 0);
        String members = m1.clientUrl() + "/v2/members";

        HttpResponse<String> list = send(HttpRequest.newBuilder(URI.create(members)).GET());
        assertEquals(200, list.statusCode(), list.body());
        assertEquals("application/json", list.headers().firstValue("Content-Type").orElse(""));
        assertTrue(list.headers().firstValue("X-Etcd-Cluster-Id").isPresent(), list.headers().toString());
        assertEquals("{\"members\":[{\"id\":\"" + id + "\",\"name\":\"m1\",\"peerURLs\":[\"" + m1.peerUrl()
                + "\"],\"clientURLs\":[\"" + m1.clientUrl() + "\"]}]}\n", list.body());

        String moved = "http://127.0.0.1:" + ServerProcess.freePorts(1)[0];
        HttpResponse<String> put = send(json(members + "/" + id, "PUT", "{\"peerURLs\":[\"" + moved + "\"]}"));
        assertEquals(204, put.statusCode(), put.body());
        assertEquals("", put.body());
        await("member list shows " + moved, Duration.ofSeconds(10), () -> {
            Etcdctl.Result r = cluster.ctl(0).run("member", "list");
            return r.stdout().contains(id + ", started, m1, " + moved + ", ") ? null : r.stdout() + r.stderr();
        });

        HttpResponse<String> unknown = send(json(members + "/deadbeef", "PUT", "{\"peerURLs\":[\"" + moved + "\"]}"));
        assertEquals(404, unknown.statusCode());
        assertEquals("application/json", unknown.headers().firstValue("Content-Type").orElse(""));
        assertEquals("{\"message\":\"No such member: deadbeef\"}", unknown.body());

        HttpResponse<String> notJson = send(HttpRequest.newBuilder(URI.create(members + "/" + id))
                .header("Content-Type", "text/plain").method("PUT", HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(415, notJson.statusCode());
        assertEquals("{\"message\":\"Bad Content-Type text/plain, accept application/json\"}", notJson.body());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void noV2MembersWithoutEnableV2(ServerProcess.Kind kind) {
        startCluster(kind, "nov2", 1);
        HttpResponse<String> list =
                send(HttpRequest.newBuilder(URI.create(cluster.member(0).clientUrl() + "/v2/members")).GET());
        assertEquals(404, list.statusCode());
        assertEquals("404 page not found\n", list.body());
    }

    private static HttpRequest.Builder json(String url, String method, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
