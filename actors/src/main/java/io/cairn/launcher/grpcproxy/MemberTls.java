package io.cairn.launcher.grpcproxy;

import io.cairn.tls.PemFiles;
import java.io.IOException;
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
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The proxy's TLS towards the members (etcd's --cert, --key, --cacert, --insecure-skip-tls-verify): the client
 * certificate when given, the CA bundle (else the JDK's roots), or no verification at all.
 */
record MemberTls(String cert, String key, TrustManager[] trust, SSLContext jdk) {
  static MemberTls load(String cert, String key, String cacert, boolean insecureSkipTlsVerify)
      throws IOException, GeneralSecurityException {
    boolean keyPair = !cert.isEmpty() && !key.isEmpty();
    TrustManager[] trust = PemFiles.trustManagers(cacert.isEmpty() ? null : Path.of(cacert), insecureSkipTlsVerify);
    SSLContext jdk = SSLContext.getInstance("TLS");
    jdk.init(keyPair ? PemFiles.keyManagers(Path.of(cert), Path.of(key)) : null, trust, null);
    return new MemberTls(keyPair ? cert : "", keyPair ? key : "", trust, jdk);
  }

  /**
   * The same material for gRPC's Netty transport, which needs its own context with ALPN (h2) configured: a JDK
   * SSLContext handed to Akka gRPC 2.1.6 (withSslContext) lacks it and Netty refuses to start.
   */
  SslContext netty() throws IOException, GeneralSecurityException {
    // the JDK's TLS, not gRPC's bundled OpenSSL: with the latter, client-certificate handshakes with a JDK (Akka
    // HTTP) server stalled
    SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK);
    if (!cert.isEmpty()) {
      // Netty takes the key and its chain themselves (its builder has no KeyManager[] form)
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

}
