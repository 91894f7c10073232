package io.eventgateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API keys look like {@code egk_<key id>_<secret>}: the id (12 hex digits) finds the stored key without a scan,
 * the secret is 32 random bytes (base64url). Only a SHA-256 of the whole key is stored.
 */
public final class ApiKeyFormat {

  private static final String PREFIX = "egk_";
  private static final SecureRandom RANDOM = new SecureRandom();
  /**
   * One digest per thread: every request with a key is hashed, and {@code MessageDigest.getInstance} (a provider
   * lookup) cost more than the hash itself. {@code digest} resets it.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  });

  /** A key split into its parts; {@link #hash()} is what is stored and compared. */
  public record Parsed(String keyId, String key) {

    public String hash() {
      return ApiKeyFormat.hash(key);
    }
  }

  private ApiKeyFormat() {}

  public static Parsed generate() {
    byte[] id = new byte[6];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    String keyId = HexFormat.of().formatHex(id);
    return new Parsed(
        keyId,
        PREFIX + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
  }

  /** @return the parts of {@code token}, or {@code null} when it is not shaped like an API key (a JWT, say) */
  public static Parsed parse(String token) {
    if (token == null
        || !token.startsWith(PREFIX)
        || token.length() < PREFIX.length() + 14
        || token.charAt(PREFIX.length() + 12) != '_') {
      return null;
    }
    return new Parsed(token.substring(PREFIX.length(), PREFIX.length() + 12), token);
  }

  static String hash(String key) {
    return HexFormat.of().formatHex(SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  /** Compares hashes in constant time, so that timing does not reveal how much of a guess was right. */
  static boolean matches(String storedHash, Parsed presented) {
    return MessageDigest.isEqual(
        storedHash.getBytes(StandardCharsets.US_ASCII),
        presented.hash().getBytes(StandardCharsets.US_ASCII));
  }
}
