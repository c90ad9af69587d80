package io.cairn.launcher;

import io.cairn.tls.SelfSignedCertificate;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS material a member starts with, as etcd's embed.StartEtcd settles it before it listens: the self-signed
 * files of --auto-tls / --peer-auto-tls under {@code <data-dir>/fixtures} (ignored, with etcd's warning, when
 * files are given), then the check that every https listen URL has a key pair.
 */
final class TlsSetup {
  private static final Logger EMBED = LoggerFactory.getLogger("embed");

  /** A listen URL that cannot be served; the message is etcd's. */
  static final class Failure extends Exception {
    Failure(String message) {
      super(message);
    }
  }

  private TlsSetup() {}

  static CairnConfig resolve(CairnConfig config) throws Failure {
    CairnConfig.Tls peer = selfSigned(config.peerTls(), config, "peer", config.listenPeerUrls());
    CairnConfig.Tls client = selfSigned(config.clientTls(), config, "client", config.listenClientUrls());
    requireKeyPair(config.listenPeerUrls(), peer);
    // etcd's metrics listeners take the client TLS info and fail the same way, though only once the server started
    requireKeyPair(config.listenMetricsUrls(), client);
    for (URI url : config.listenClientUrls()) {
      if (isHttps(url) && !client.hasKeyPair()) {
        throw new Failure("TLS key/cert (--cert-file, --key-file) must be provided for client url " + url
            + " with HTTPS scheme");
      }
    }
    return config.withTls(client, peer);
  }

  /**
   * Peer TLS is on when this member listens for peers on https (Artery has one transport for all peers); after
   * {@link #resolve} such a member always has a peer key pair.
   */
  static boolean peerTlsOn(CairnConfig config) {
    return config.listenPeerUrls().stream().anyMatch(TlsSetup::isHttps);
  }

  /** etcd's ClientSelfCert / PeerSelfCert. */
  private static CairnConfig.Tls selfSigned(CairnConfig.Tls tls, CairnConfig config, String side, List<URI> urls) {
    if (!tls.autoTls()) {
      return tls;
    }
    if (tls.certFile() != null || tls.keyFile() != null) {
      EMBED.warn("ignoring {} auto TLS since certs given", side);
      return new CairnConfig.Tls(tls.certFile(), tls.keyFile(), tls.trustedCaFile(), tls.clientCertAuth(), false);
    }
    SelfSignedCertificate.KeyFiles files =
        SelfSignedCertificate.ensure(config.dataDir().resolve("fixtures").resolve(side), urls);
    // etcd replaces the whole TLS info with SelfCert's: no trusted CA, no client certificate check.
    return new CairnConfig.Tls(files.certFile(), files.keyFile(), null, false, true);
  }

  /** etcd's transport.NewListener on an https URL without a key pair. */
  private static void requireKeyPair(List<URI> urls, CairnConfig.Tls tls) throws Failure {
    for (URI url : urls) {
      if (isHttps(url) && !tls.hasKeyPair()) {
        throw new Failure("cannot listen on TLS for " + url.getAuthority() + ": KeyFile and CertFile are not presented");
      }
    }
  }

  private static boolean isHttps(URI url) {
    return "https".equalsIgnoreCase(url.getScheme()) || "unixs".equalsIgnoreCase(url.getScheme());
  }
}
