package io.cairn.grpc;

import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.HttpsConnectionContext;
import io.cairn.launcher.CairnConfig;
import io.cairn.tls.PemFiles;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The TLS server context for https:// client URLs from etcd's --cert-file/--key-file PEM files (or --auto-tls's
 * self-signed ones), with --trusted-ca-file/--client-cert-auth requiring client certificates signed by that CA.
 */
public final class TlsContexts {
  private TlsContexts() {}

  public static HttpsConnectionContext server(CairnConfig.Tls tls) {
    if (!tls.hasKeyPair()) {
      // the launcher refuses such a start first, with etcd's message (TlsSetup)
      throw new IllegalArgumentException("https client URL needs --cert-file and --key-file");
    }
    try {
      SSLContext context = PemFiles.context(tls.certFile(), tls.keyFile(), tls.trustedCaFile(), false);
      boolean needClientAuth = tls.clientCertAuth() && tls.trustedCaFile() != null;
      return ConnectionContext.httpsServer(
          () -> {
            SSLEngine engine = context.createSSLEngine();
            engine.setUseClientMode(false);
            engine.setNeedClientAuth(needClientAuth);
            if (needClientAuth) {
              // Akka 2.6's TLS stage mishandles a TLS 1.3 handshake that ends with the client's certificate: the
              // engine reports the handshake finished only after the client's first application data, and a JDK
              // client's first request then hangs (akka/akka#31419, #29111; fixed only in Akka 2.7+). TLS 1.2
              // has no such step, and every etcd client speaks it (etcd's own minimum).
              engine.setEnabledProtocols(new String[] {"TLSv1.2"});
            }
            return engine;
          });
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load client TLS material: " + e.getMessage(), e);
    }
  }
}
