package io.cairn.tls;

import akka.actor.ActorSystem;
import akka.remote.artery.tcp.SSLEngineProvider;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import scala.Option;

/**
 * Peer TLS for https peer URLs: Artery's tls-tcp transport with etcd's --peer-cert-file, --peer-key-file,
 * --peer-trusted-ca-file and --peer-client-cert-auth (PEM files, which Akka's own ConfigSSLEngineProvider cannot
 * read). As etcd's peer transport: a member presents its certificate on both sides of a connection; the dialling
 * side checks the other member's certificate against the trusted CA (the JDK's roots when none is given) and the
 * peer URL's host; the listening side requires a client certificate only with --peer-client-cert-auth. With
 * --peer-auto-tls every member's certificate is self-signed, so, as etcd does, nothing is verified.
 */
public final class PeerSslEngineProvider implements SSLEngineProvider {
  static final String CONFIG_PATH = "cairn.peer-tls";

  private final SSLContext context;
  private final boolean clientCertAuth;
  private final boolean skipVerify;

  /** Akka constructs the provider from the ActorSystem's config (akka.remote.artery.ssl.ssl-engine-provider). */
  public PeerSslEngineProvider(ActorSystem system) {
    this(system.settings().config().getConfig(CONFIG_PATH));
  }

  PeerSslEngineProvider(Config config) {
    this.clientCertAuth = config.getBoolean("client-cert-auth");
    this.skipVerify = config.getBoolean("skip-verify");
    String ca = config.getString("trusted-ca-file");
    try {
      this.context = PemFiles.context(Path.of(config.getString("cert-file")), Path.of(config.getString("key-file")),
          ca.isEmpty() ? null : Path.of(ca), skipVerify);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load peer TLS material: " + e.getMessage(), e);
    }
  }

  /** The Akka config that switches Artery to TLS with this provider and these files. */
  public static Config akkaConfig(
      Path certFile, Path keyFile, Path trustedCaFile, boolean clientCertAuth, boolean skipVerify) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("akka.remote.artery.transport", "tls-tcp");
    settings.put("akka.remote.artery.ssl.ssl-engine-provider", PeerSslEngineProvider.class.getName());
    settings.put(CONFIG_PATH + ".cert-file", certFile.toString());
    settings.put(CONFIG_PATH + ".key-file", keyFile.toString());
    settings.put(CONFIG_PATH + ".trusted-ca-file", trustedCaFile == null ? "" : trustedCaFile.toString());
    settings.put(CONFIG_PATH + ".client-cert-auth", clientCertAuth);
    settings.put(CONFIG_PATH + ".skip-verify", skipVerify);
    return ConfigFactory.parseMap(settings);
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    SSLEngine engine = context.createSSLEngine(hostname, port);
    engine.setUseClientMode(false);
    engine.setNeedClientAuth(clientCertAuth);
    return engine;
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    SSLEngine engine = context.createSSLEngine(hostname, port);
    engine.setUseClientMode(true);
    if (!skipVerify) {
      // Go's TLS client checks the server's certificate against the host it dialled; so does this one.
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(parameters);
    }
    return engine;
  }

  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    return Option.empty(); // the engine verified the chain (or, with auto TLS, was told not to)
  }

  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    return Option.empty();
  }
}
