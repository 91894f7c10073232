package io.eventgateway.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headers every API response carries so that a browser never runs or sniffs what it was not meant to: no MIME
 * sniffing, no referrer leaving the gateway, and a Content-Security-Policy. API answers get a policy that allows
 * nothing; each HTML page gets one that allows its own inline scripts by hash, scripts of this origin, and
 * connections back to it.
 */
final class SecurityHeaders {

  // encoded once: every answer carries them
  static final CharSequence CONTENT_SECURITY_POLICY =
      HttpHeaders.createOptimized("Content-Security-Policy");

  private static final CharSequence API_POLICY =
      HttpHeaders.createOptimized("default-src 'none'; frame-ancestors 'none'");
  private static final CharSequence CONTENT_TYPE_OPTIONS =
      HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final CharSequence REFERRER_POLICY =
      HttpHeaders.createOptimized("Referrer-Policy");
  private static final CharSequence NO_REFERRER = HttpHeaders.createOptimized("no-referrer");
  private static final Pattern INLINE_SCRIPT =
      Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);

  private SecurityHeaders() {}

  /** The first handler of the router: the headers of every answer; pages replace the policy with their own. */
  static void apply(RoutingContext ctx) {
    ctx.response()
        .putHeader(CONTENT_TYPE_OPTIONS, NOSNIFF)
        .putHeader(REFERRER_POLICY, NO_REFERRER)
        .putHeader(CONTENT_SECURITY_POLICY, API_POLICY);
    ctx.next();
  }

  /** The policy of an HTML page: its inline scripts by SHA-256, nothing from other origins. */
  static String pagePolicy(Buffer html) {
    List<String> hashes = new ArrayList<>();
    Matcher script = INLINE_SCRIPT.matcher(html.toString(StandardCharsets.UTF_8));
    while (script.find()) {
      hashes.add("'sha256-" + sha256(script.group(1)) + "'");
    }
    return "default-src 'self'; script-src 'self' " + String.join(" ", hashes)
        + "; style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        + "frame-ancestors 'none'";
  }

  private static String sha256(String text) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
