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
            return engine;
          });
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load client TLS material: " + e.getMessage(), e);
    }
  }
}
