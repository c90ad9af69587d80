package io.cairn.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * etcd's transport.SelfCert, behind --auto-tls (in {@code <data-dir>/fixtures/client}) and --peer-auto-tls
 * ({@code fixtures/peer}): a self-signed ECDSA P-521 certificate for the listen URLs' hosts, organization "etcd",
 * valid one year, as {@code cert.pem} and {@code key.pem} (SEC1 "EC PRIVATE KEY", mode 0600). Files already there
 * are reused, as etcd reuses them on a restart.
 */
public final class SelfSignedCertificate {
  public record KeyFiles(Path certFile, Path keyFile) {}

  /** etcd's SelfCert curve: P-521. */
  private static final String CURVE = "secp521r1";
  private static final int CURVE_BITS = 521;
  private static final Duration VALIDITY = Duration.ofDays(365);
  private static final SecureRandom RANDOM = new SecureRandom();

  private SelfSignedCertificate() {}

  /** The certificate and key in {@code dir}, made first if either is missing. */
  public static KeyFiles ensure(Path dir, List<URI> listenUrls) {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    if (Files.exists(cert) && Files.exists(key)) {
      return new KeyFiles(cert, key);
    }
    try {
      Files.createDirectories(dir);
      setMode(dir, "rwx------");
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(CURVE), RANDOM);
      KeyPair pair = generator.generateKeyPair();
      Files.writeString(cert, pem(certificate(pair, listenUrls)), StandardCharsets.US_ASCII);
      Files.writeString(key, "", StandardCharsets.US_ASCII);
      setMode(key, "rw-------");
      Files.writeString(key, sec1Pem(pair), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
      return new KeyFiles(cert, key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
    }
  }

  private static X509CertificateHolder certificate(KeyPair pair, List<URI> listenUrls)
      throws IOException, OperatorCreationException {
    Instant notBefore = Instant.now();
    X500Name subject = new X500Name("O=etcd");
    // etcd: a random 128-bit serial number
    BigInteger serial = new BigInteger(128, RANDOM);
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial, Date.from(notBefore),
        Date.from(notBefore.plus(VALIDITY)), subject, pair.getPublic());
    builder.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.keyEncipherment | KeyUsage.digitalSignature));
    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    GeneralNames names = subjectAltNames(listenUrls);
    if (names != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, names);
    }
    return builder.build(new JcaContentSignerBuilder("SHA512withECDSA").build(pair.getPrivate()));
  }

  /** One IP or DNS name per distinct listen host, as etcd's SelfCert splits each host:port. */
  private static GeneralNames subjectAltNames(List<URI> listenUrls) {
    Set<String> hosts = new LinkedHashSet<>();
    for (URI url : listenUrls) {
      if (url.getHost() != null) {
        hosts.add(url.getHost().replace("[", "").replace("]", ""));
      }
    }
    if (hosts.isEmpty()) {
      return null;
    }
    return new GeneralNames(hosts.stream()
        .map(h -> new GeneralName(isIpLiteral(h) ? GeneralName.iPAddress : GeneralName.dNSName, h))
        .toArray(GeneralName[]::new));
  }

  private static boolean isIpLiteral(String host) {
    return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  /**
   * Go's x509.MarshalECPrivateKey: SEC1 with the curve's OID and the public key inside, so the file stands alone
   * (the JDK's PKCS#8 keeps the curve outside, in the algorithm identifier, and a plain conversion loses it).
   */
  private static String sec1Pem(KeyPair pair) throws IOException {
    PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
    SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
    ECPrivateKey sec1 = new ECPrivateKey(CURVE_BITS, ((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS(),
        publicKey.getPublicKeyData(), pkcs8.getPrivateKeyAlgorithm().getParameters());
    return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(o);
    }
    return out.toString();
  }

  private static void setMode(Path path, String mode) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep the default mode
    }
  }
}
