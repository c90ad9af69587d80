package io.cairn.grpc;

import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.HttpsConnectionContext;
import akka.pki.pem.DERPrivateKeyLoader;
import akka.pki.pem.PEMDecoder;
import io.cairn.launcher.CairnConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS server context for https:// client URLs from etcd's --cert-file/--key-file PEM files, with
 * --trusted-ca-file/--client-cert-auth requiring client certificates signed by that CA.
 */
final class TlsContexts {
  private static final char[] IN_MEMORY_PASSWORD = new char[0];

  private TlsContexts() {}

  static HttpsConnectionContext server(CairnConfig.Tls tls) {
    if (tls.certFile() == null || tls.keyFile() == null) {
      throw new IllegalArgumentException(
          tls.autoTls()
              ? "cairn: --auto-tls is not supported yet; give --cert-file and --key-file"
              : "https client URL needs --cert-file and --key-file");
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers(tls).getKeyManagers(), trustManagers(tls), null);
      boolean needClientAuth = tls.clientCertAuth() && tls.trustedCaFile() != null;
      return ConnectionContext.httpsServer(
          () -> {
            SSLEngine engine = context.createSSLEngine();
            engine.setUseClientMode(false);
            engine.setNeedClientAuth(needClientAuth);
            return engine;
          });
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load client TLS material: " + e.getMessage(), e);
    }
  }

  private static KeyManagerFactory keyManagers(CairnConfig.Tls tls) throws IOException, GeneralSecurityException {
    PrivateKey key = DERPrivateKeyLoader.load(PEMDecoder.decode(Files.readString(tls.keyFile(), StandardCharsets.US_ASCII)));
    Collection<? extends Certificate> chain = certificates(tls.certFile());
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("cairn", key, IN_MEMORY_PASSWORD, chain.toArray(new Certificate[0]));
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, IN_MEMORY_PASSWORD);
    return factory;
  }

  /** null (the JDK's default trust) unless a trusted CA file is given. */
  private static javax.net.ssl.TrustManager[] trustManagers(CairnConfig.Tls tls)
      throws IOException, GeneralSecurityException {
    if (tls.trustedCaFile() == null) {
      return null;
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    int i = 0;
    for (Certificate ca : certificates(tls.trustedCaFile())) {
      store.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  private static Collection<? extends Certificate> certificates(Path pemFile)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pemFile)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
  }
}
