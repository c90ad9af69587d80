package io.cairn.it.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Commands;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Test certificates made with openssl, as an operator makes them for etcd: a CA, a server certificate for 127.0.0.1
 * and localhost (server and client use, a PKCS#1 RSA key as cfssl writes them; etcd members use it for peers too),
 * a client certificate, and the client's PKCS#12 twin for the JDK. And a TLS 1.2 handshake probe for listeners.
 */
final class TestPki {
    private static final Duration CMD = Duration.ofSeconds(60);
    static final String P12_PASSWORD = "test";

    private TestPki() {}

    /** ca.pem, server.pem/server-key.pem, client.pem/client-key.pem and client.p12 in {@code pki}. */
    static void create(Path pki) throws Exception {
        Files.createDirectories(pki);
        Files.writeString(pki.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n");
        Files.writeString(pki.resolve("client.ext"), "extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n");
        openssl(pki, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem",
                "-days", "30", "-subj", "/CN=cairn-test-ca");
        for (String who : List.of("server", "client")) {
            openssl(pki, "genrsa", "-traditional", "-out", who + "-key.pem", "2048");
            openssl(pki, "req", "-new", "-key", who + "-key.pem", "-out", who + ".csr", "-subj", "/CN=etcd-" + who);
            openssl(pki, "x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                    "-CAcreateserial", "-out", who + ".pem", "-days", "30", "-extfile", who + ".ext");
        }
        openssl(pki, "pkcs12", "-export", "-in", "client.pem", "-inkey", "client-key.pem", "-out", "client.p12",
                "-passout", "pass:" + P12_PASSWORD);
        assertTrue(Files.readString(pki.resolve("server-key.pem")).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    }

    /**
     * After {@link #create}: proxy-client.pem/-key.pem and proxy-server.pem/-key.pem signed by the same CA, without a
     * Common Name, as etcd's grpc-proxy requires of its certificates (TLSInfo.EmptyCN).
     */
    static void createWithoutCommonName(Path pki) throws Exception {
        for (String who : List.of("client", "server")) {
            openssl(pki, "genrsa", "-traditional", "-out", "proxy-" + who + "-key.pem", "2048");
            openssl(pki, "req", "-new", "-key", "proxy-" + who + "-key.pem", "-out", "proxy-" + who + ".csr",
                    "-subj", "/O=cairn-test");
            openssl(pki, "x509", "-req", "-in", "proxy-" + who + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                    "-CAcreateserial", "-out", "proxy-" + who + ".pem", "-days", "30", "-extfile", "server.ext");
        }
    }

    /**
     * A TLS 1.2 handshake with {@code 127.0.0.1:port} (1.2, so a refused client certificate fails the handshake
     * itself rather than the first read): trusting {@code caPem}'s CA, or anything when null; presenting
     * {@code clientP12}'s certificate when not null. Returns the server's certificate; throws if refused.
     */
    static X509Certificate handshake(int port, Path caPem, Path clientP12) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        KeyManagerFactory keys = null;
        if (clientP12 != null) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(clientP12)) {
                store.load(in, P12_PASSWORD.toCharArray());
            }
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, P12_PASSWORD.toCharArray());
        }
        context.init(keys == null ? null : keys.getKeyManagers(), trust(caPem), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static TrustManager[] trust(Path caPem) throws Exception {
        if (caPem == null) {
            return new TrustManager[] {new X509TrustManager() {
                @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
                @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
                @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }};
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            int i = 0;
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static void openssl(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Commands.run(dir, CMD, cmd).expectExit(0);
    }
}
