package io.eventgateway.config;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The {@code http} section, typed: the public API's server, its limits and its budgets (docs/configuration.md).
 * Parsed once per verticle from the section {@link ConfigValidation} has already checked.
 */
public record HttpConfig(
    String host,
    int port,
    long maxBodyBytes,
    int maxBatchEvents,
    long produceTimeoutMs,
    long requestTimeoutMs,
    int idleTimeoutSeconds,
    int maxConnections,
    int maxConnectionsPerAddress,
    int maxWebSocketsPerTenant,
    long firstRequestTimeoutMs,
    long maxInFlightBytes,
    long maxInFlightBytesPerCaller,
    int streamMaxPendingEvents,
    List<String> allowedOrigins,
    List<String> trustedProxies,
    long openBodyLimitBytes,
    Tls tls) {

  /** TLS from PEM files when {@code enabled}. */
  public record Tls(boolean enabled, String certFile, String keyFile) {}

  public HttpConfig {
    allowedOrigins = List.copyOf(allowedOrigins);
    trustedProxies = List.copyOf(trustedProxies);
  }

  public static HttpConfig of(JsonObject http) {
    JsonObject tls = http.getJsonObject("tls", new JsonObject());
    return new HttpConfig(
        http.getString("host"),
        http.getInteger("port"),
        http.getLong("maxBodyBytes"),
        http.getInteger("maxBatchEvents"),
        http.getLong("produceTimeoutMs"),
        http.getLong("requestTimeoutMs"),
        http.getInteger("idleTimeoutSeconds"),
        http.getInteger("maxConnections"),
        http.getInteger("maxConnectionsPerAddress"),
        http.getInteger("maxWebSocketsPerTenant"),
        http.getLong("firstRequestTimeoutMs"),
        http.getLong("maxInFlightBytes"),
        http.getLong("maxInFlightBytesPerCaller"),
        http.getInteger("streamMaxPendingEvents"),
        http.getJsonArray("allowedOrigins").stream().map(String::valueOf).toList(),
        http.getJsonArray("trustedProxies").stream().map(String::valueOf).toList(),
        http.getLong("openBodyLimitBytes"),
        new Tls(
            tls.getBoolean("enabled", false), tls.getString("certFile"), tls.getString("keyFile")));
  }
}
