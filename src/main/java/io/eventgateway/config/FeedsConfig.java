package io.eventgateway.config;

import io.vertx.core.json.JsonObject;

/**
 * The {@code feeds} section, typed: the resumable feeds (Server-Sent Events, and WebSocket feeds opened with
 * {@code from} or {@code lastEventId}), each a Kafka consumer of its own (docs/configuration.md).
 *
 * @param heartbeatSeconds how often an idle Server-Sent Events stream gets a comment (and its position), so that
 *     proxies and the server's idle timeout keep it open
 * @param retryMillis the {@code retry:} an event stream tells its client to wait before reconnecting
 * @param stallSeconds how long a client may leave its write queue full; past that the feed is closed with a reason
 *     (it resumes from its last event id, losing nothing)
 * @param maxResumablePerTenant resumable feeds one tenant holds on a node (each reads Kafka); beyond, {@code 429}
 */
public record FeedsConfig(
    int heartbeatSeconds, long retryMillis, int stallSeconds, int maxResumablePerTenant) {

  public static FeedsConfig of(JsonObject feeds) {
    return new FeedsConfig(
        feeds.getInteger("heartbeatSeconds"),
        feeds.getLong("retryMillis"),
        feeds.getInteger("stallSeconds"),
        feeds.getInteger("maxResumablePerTenant"));
  }
}
