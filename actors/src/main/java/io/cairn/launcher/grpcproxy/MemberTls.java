package io.cairn.launcher.grpcproxy;

import io.cairn.tls.PemFiles;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The proxy's TLS towards the members (etcd's --cert, --key, --cacert, --insecure-skip-tls-verify): the client
 * certificate when given, the CA bundle (else the JDK's roots), or no verification at all.
 */
final class MemberTls {
  private MemberTls() {}

  static SSLContext context(String cert, String key, String cacert, boolean insecureSkipTlsVerify)
      throws IOException, GeneralSecurityException {
    KeyManager[] keys = cert.isEmpty() || key.isEmpty() ? null : PemFiles.keyManagers(Path.of(cert), Path.of(key));
    TrustManager[] trust = insecureSkipTlsVerify ? new TrustManager[] {TrustAnything.INSTANCE}
        : PemFiles.trustManagers(cacert.isEmpty() ? null : Path.of(cacert));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, trust, null);
    return context;
  }

  /**
   * Go's InsecureSkipVerify. An X509ExtendedTrustManager, so that the JDK does not add its own host name check
   * (gRPC asks for one on the engine) around it.
   */
  private static final class TrustAnything extends X509ExtendedTrustManager {
    static final TrustAnything INSTANCE = new TrustAnything();

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
