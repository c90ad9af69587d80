package io.cairn.grpc.h2;

/**
 * What a scheme-prefixed :authority becomes. etcd 3.4's client dials member URLs with their scheme
 * ("passthrough:///http://127.0.0.1:2379"), so grpc-go sends ":authority: http://127.0.0.1:2379"; grpc-go's server
 * accepts it, Akka HTTP 10.2.10 rejects it as an illegal authority and drops the whole connection.
 */
public final class AuthorityFix {
  private AuthorityFix() {}

  /** The authority without a leading "scheme://" and anything after the host:port; other values unchanged. */
  public static String normalize(String authority) {
    int sep = authority.indexOf("://");
    if (sep <= 0 || !isScheme(authority, sep)) {
      return authority;
    }
    String rest = authority.substring(sep + 3);
    int end = firstOf(rest, '/', '?', '#');
    return end < 0 ? rest : rest.substring(0, end);
  }

  /** RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
  private static boolean isScheme(String s, int end) {
    if (!Character.isLetter(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < end; i++) {
      char c = s.charAt(i);
      if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.'))) {
        return false;
      }
    }
    return true;
  }

  private static int firstOf(String s, char... chars) {
    int best = -1;
    for (char c : chars) {
      int i = s.indexOf(c);
      if (i >= 0 && (best < 0 || i < best)) {
        best = i;
      }
    }
    return best;
  }
}
