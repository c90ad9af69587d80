package io.cairn.launcher.grpcproxy;

import io.cairn.tls.PemFiles;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The proxy's TLS towards the members (etcd's --cert, --key, --cacert, --insecure-skip-tls-verify): the client
 * certificate when given, the CA bundle (else the JDK's roots), or no verification at all.
 */
record MemberTls(String cert, String key, KeyManager[] keys, TrustManager[] trust, SSLContext jdk) {
  static MemberTls load(String cert, String key, String cacert, boolean insecureSkipTlsVerify)
      throws IOException, GeneralSecurityException {
    KeyManager[] keys = cert.isEmpty() || key.isEmpty() ? null : PemFiles.keyManagers(Path.of(cert), Path.of(key));
    TrustManager[] trust = insecureSkipTlsVerify ? new TrustManager[] {TrustAnything.INSTANCE}
        : PemFiles.trustManagers(cacert.isEmpty() ? null : Path.of(cacert));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, trust, null);
    return new MemberTls(cert, key, keys, trust, context);
  }

  /**
   * The same material for gRPC's Netty transport, which needs its own context with ALPN (h2) configured: a JDK
   * SSLContext handed to Akka gRPC 2.1.6 (withSslContext) lacks it and Netty refuses to start.
   */
  SslContext netty() throws IOException, GeneralSecurityException {
    // the JDK's TLS, not gRPC's bundled OpenSSL: with the latter, client-certificate handshakes with a JDK (Akka
    // HTTP) server stalled
    SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK);
    if (keys != null) {
      // the key itself rather than the JDK KeyManager: gRPC's bundled OpenSSL stalled the handshake with the latter
      builder.keyManager(PemFiles.privateKey(Path.of(key)),
          PemFiles.certificates(Path.of(cert)).toArray(new X509Certificate[0]));
    }
    if (trust != null) {
      builder.trustManager(trust[0]);
    }
    return builder.build();
  }

  /**
   * etcd's grpc-proxy loads its certificates with TLSInfo.EmptyCN (etcdmain/grpc_proxy.go newTLS) and refuses a
   * certificate with a Common Name, with this message.
   */
  static void requireEmptyCommonName(String certFile) throws IOException, GeneralSecurityException {
    if (certFile.isEmpty()) {
      return;
    }
    for (X509Certificate cert : PemFiles.certificates(Path.of(certFile))) {
      String cn = commonName(cert);
      if (!cn.isEmpty()) {
        throw new IllegalArgumentException("cert has non empty Common Name (" + cn + ")");
      }
      return; // the leaf only
    }
  }

  private static String commonName(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
      return "";
    } catch (InvalidNameException e) {
      return "";
    }
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
