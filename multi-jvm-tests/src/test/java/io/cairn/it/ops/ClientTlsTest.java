package io.cairn.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Commands;
import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import io.cairn.it.cluster.ClusterProcesses;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Client TLS as reference guide 003 runs etcd for Kubernetes: an https client URL with --cert-file/--key-file,
 * client certificates required (--client-cert-auth --trusted-ca-file), and etcdctl with --cacert/--cert/--key for
 * health, reads and writes, and the backup (snapshot save). Run against both servers with the same certificates,
 * made by the test with openssl (a CA, a server certificate for 127.0.0.1 with a PKCS#1 RSA key as cfssl writes
 * them, a client certificate; TestPki).
 */
class ClientTlsTest {
    private static final Duration CMD = Duration.ofSeconds(60);

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    void guide003WorkflowOverClientTls(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.dirFor(ClientTlsTest.class, "tls", kind);
        ServerProcess.deleteRecursively(dir);
        Path pki = dir.resolve("pki");
        Path otherPki = dir.resolve("other-pki");
        TestPki.create(pki);
        TestPki.create(otherPki);
        int[] ports = ServerProcess.freePorts(2);
        String endpoint = "https://127.0.0.1:" + ports[0];
        Path data = dir.resolve("m1").resolve("data");
        Files.createDirectories(data.getParent());
        try (ServerProcess server = ServerProcess.withFlags(kind, "m1", data, dir.resolve("m1").resolve(kind.label() + ".log"),
                ports[0], ports[1], List.of(
                        "--name", "m1",
                        "--data-dir", data.toString(),
                        "--listen-client-urls", endpoint,
                        "--advertise-client-urls", endpoint,
                        "--listen-peer-urls", "http://127.0.0.1:" + ports[1],
                        "--initial-advertise-peer-urls", "http://127.0.0.1:" + ports[1],
                        "--initial-cluster", "m1=http://127.0.0.1:" + ports[1],
                        "--cert-file=" + pki.resolve("server.pem"),
                        "--key-file=" + pki.resolve("server-key.pem"),
                        "--trusted-ca-file=" + pki.resolve("ca.pem"),
                        "--client-cert-auth"))) {
            server.start();
            Etcdctl withoutCerts = new Etcdctl(endpoint, dir.resolve("work"));
            Etcdctl ctl = withoutCerts.withGlobalFlags("--cacert=" + pki.resolve("ca.pem"),
                    "--cert=" + pki.resolve("client.pem"), "--key=" + pki.resolve("client-key.pem"));

            Etcdctl.Result health = ctl.run("endpoint", "health").ok();
            // etcdctl 3.4 prints the health lines on stderr
            assertTrue(health.stderr().startsWith(endpoint + " is healthy: successfully committed proposal: took = "),
                    health.stdout() + health.stderr());
            assertEquals("OK\n", ctl.run("put", "/registry/apiregistration.k8s.io/apiservices/v1.apps", "x")
                    .ok().stdout());
            assertEquals("/registry/apiregistration.k8s.io/apiservices/v1.apps\n\n",
                    ctl.run("get", "/", "--prefix", "--keys-only").ok().stdout());
            assertTrue(ctl.run("member", "list").ok().stdout().contains(", " + endpoint + ", false"));
            assertTrue(ctl.run("version").ok().stdout().startsWith("etcdctl version: 3.4.23"));

            // the backup of guide 003, over TLS
            Path backup = dir.resolve("work").resolve("etcd-snapshot.db");
            ctl.run("snapshot", "save", backup.toString()).ok();
            List<String> status = kind == ServerProcess.Kind.CAIRN
                    ? List.of(Commands.cairn().toString(), "snapshot", "status", backup.toString(), "-w", "json")
                    : List.of(Etcdctl.BIN, "snapshot", "status", backup.toString(), "-w", "json");
            Commands.Result st = Commands.run(dir.resolve("work"), CMD, status).expectExit(0);
            assertTrue(st.stdout().matches("\\{\"hash\":\\d+,\"revision\":2,\"totalKey\":\\d+,\"totalSize\":\\d+}\\n"),
                    st.stdout());

            // a JDK client too (jetcd on grpc-java/Netty with the JDK's TLS, which offers TLS 1.3), with a client
            // certificate: its calls must be answered, not hang after the handshake
            try (Client jetcd = jetcdClient(ports[0], pki)) {
                ByteSequence key = ByteSequence.from("/jetcd/over-tls", StandardCharsets.UTF_8);
                jetcd.getKVClient().put(key, ByteSequence.from("y", StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
                assertEquals("y", jetcd.getKVClient().get(key).get(20, TimeUnit.SECONDS)
                        .getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));
            }

            // refused: no client certificate, a client certificate from another CA, plain http on the TLS port
            String[] caOnly = {"--cacert=" + pki.resolve("ca.pem"), "--dial-timeout=2s", "--command-timeout=3s"};
            assertNotEquals(0, withoutCerts.withGlobalFlags(caOnly).run("get", "foo").exitCode());
            String[] foreign = {"--cacert=" + pki.resolve("ca.pem"), "--cert=" + otherPki.resolve("client.pem"),
                    "--key=" + otherPki.resolve("client-key.pem"), "--dial-timeout=2s", "--command-timeout=3s"};
            assertNotEquals(0, withoutCerts.withGlobalFlags(foreign).run("get", "foo").exitCode());
            Etcdctl plain = new Etcdctl("http://127.0.0.1:" + ports[0], dir.resolve("work"));
            assertNotEquals(0, plain.run("endpoint", "status", "--dial-timeout=2s", "--command-timeout=3s").exitCode());
            // and the server still serves a proper client afterwards
            assertEquals("x\n", ctl.run("get", "/registry/apiregistration.k8s.io/apiservices/v1.apps",
                    "--print-value-only").ok().stdout());
        }
    }

    /** jetcd with the CA and the client certificate (client.p12), over the JDK's TLS provider. */
    private static Client jetcdClient(int port, Path pki) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pki.resolve("client.p12"))) {
            keys.load(in, TestPki.P12_PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, TestPki.P12_PASSWORD.toCharArray());
        SslContext tls = GrpcSslContexts.forClient().sslProvider(SslProvider.JDK)
                .trustManager(pki.resolve("ca.pem").toFile()).keyManager(keyManagers).build();
        return Client.builder().target("dns:///127.0.0.1:" + port).sslContext(tls).build();
    }
}
