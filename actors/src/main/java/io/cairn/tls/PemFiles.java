package io.cairn.tls;

import java.io.IOException;
import java.io.Reader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * TLS contexts from etcd's PEM files (--cert-file, --key-file, --trusted-ca-file and their --peer- twins). Keys
 * may be in any form cfssl, openssl or etcd's auto TLS write: PKCS#1 RSA, SEC1 EC ("EC PRIVATE KEY") or PKCS#8.
 */
public final class PemFiles {
  private static final char[] IN_MEMORY_PASSWORD = new char[0];

  private PemFiles() {}

  /**
   * A context presenting {@code certFile} (with its chain) and trusting {@code trustedCaFile}'s CAs, or the JDK's
   * default roots when it is null, or any certificate when {@code trustAny} (etcd's InsecureSkipVerify, used with
   * self-signed auto TLS certificates).
   */
  public static SSLContext context(Path certFile, Path keyFile, Path trustedCaFile, boolean trustAny)
      throws IOException, GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers(certFile, keyFile), trustManagers(trustedCaFile, trustAny), null);
    return context;
  }

  /** Trusting any certificate when {@code trustAny}, else as {@link #trustManagers(Path)}. */
  public static TrustManager[] trustManagers(Path trustedCaFile, boolean trustAny)
      throws IOException, GeneralSecurityException {
    return trustAny ? new TrustManager[] {TrustAny.INSTANCE} : trustManagers(trustedCaFile);
  }

  public static KeyManager[] keyManagers(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("cairn", privateKey(keyFile), IN_MEMORY_PASSWORD,
        certificates(certFile).toArray(new X509Certificate[0]));
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, IN_MEMORY_PASSWORD);
    return factory.getKeyManagers();
  }

  /** null (the JDK's default roots) unless a CA file is given. */
  public static TrustManager[] trustManagers(Path trustedCaFile) throws IOException, GeneralSecurityException {
    if (trustedCaFile == null) {
      return null;
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    int i = 0;
    for (X509Certificate ca : certificates(trustedCaFile)) {
      store.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  public static PrivateKey privateKey(Path keyFile) throws IOException {
    try (Reader in = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(in)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo()); // PKCS#1 RSA or SEC1 EC
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info); // PKCS#8
        }
      }
    }
    throw new IOException("tls: failed to find any PEM data in key input (" + keyFile + ")");
  }

  public static List<X509Certificate> certificates(Path pemFile) throws IOException, CertificateException {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (Reader in = Files.newBufferedReader(pemFile, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(in)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          certificates.add(converter.getCertificate(holder));
        }
      }
    }
    if (certificates.isEmpty()) {
      throw new IOException("tls: failed to find any PEM data in certificate input (" + pemFile + ")");
    }
    return certificates;
  }

  /**
   * etcd's InsecureSkipVerify (auto TLS peers, whose certificates are each self-signed; the gRPC proxy's
   * --insecure-skip-tls-verify). An X509ExtendedTrustManager, so that the JDK does not wrap it with its own host name
   * check when the engine asks for endpoint identification: skipping verification skips that too, as in Go.
   */
  private static final class TrustAny extends X509ExtendedTrustManager {
    static final TrustAny INSTANCE = new TrustAny();

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
