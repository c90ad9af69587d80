package io.cairn.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {
  @TempDir Path dir;

  @Test
  void makesEtcdsSelfSignedCertificateForTheListenHosts() throws Exception {
    Path fixtures = dir.resolve("fixtures").resolve("peer");
    SelfSignedCertificate.KeyFiles files = SelfSignedCertificate.ensure(fixtures,
        List.of(URI.create("https://127.0.0.1:2380"), URI.create("https://node1.example.com:2380"),
            URI.create("https://127.0.0.1:12380")));

    X509Certificate cert = PemFiles.certificates(files.certFile()).get(0);
    assertEquals("O=etcd", cert.getSubjectX500Principal().getName());
    assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
    cert.verify(cert.getPublicKey()); // self-signed
    assertEquals("SHA512withECDSA", cert.getSigAlgName());
    assertEquals(Duration.ofDays(365), Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()));
    assertEquals(-1, cert.getBasicConstraints(), "not a CA");
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), cert.getExtendedKeyUsage(), "server auth");
    Set<String> names = cert.getSubjectAlternativeNames().stream()
        .map(n -> n.get(0) + ":" + n.get(1)).collect(Collectors.toSet());
    assertEquals(Set.of("7:127.0.0.1", "2:node1.example.com"), names); // 7 = IP, 2 = DNS; one per distinct host

    // the key stands alone (SEC1 with its curve), as Go's MarshalECPrivateKey writes it, and matches the certificate
    assertTrue(Files.readString(files.keyFile()).startsWith("-----BEGIN EC PRIVATE KEY-----"));
    ECPrivateKey key = (ECPrivateKey) PemFiles.privateKey(files.keyFile());
    assertEquals(521, key.getParams().getOrder().bitLength());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.keyFile())));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fixtures)));
    PemFiles.context(files.certFile(), files.keyFile(), null, true); // loads as a TLS key pair
  }

  @Test
  void reusesTheFilesOfAnEarlierStart() throws Exception {
    List<URI> urls = List.of(URI.create("https://127.0.0.1:2379"));
    SelfSignedCertificate.KeyFiles first = SelfSignedCertificate.ensure(dir, urls);
    String cert = Files.readString(first.certFile());
    String key = Files.readString(first.keyFile());
    SelfSignedCertificate.KeyFiles again = SelfSignedCertificate.ensure(dir, urls);
    assertEquals(cert, Files.readString(again.certFile()));
    assertEquals(key, Files.readString(again.keyFile()));
  }
}
