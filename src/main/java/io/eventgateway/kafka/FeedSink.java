package io.eventgateway.kafka;

import io.vertx.core.json.JsonObject;

/** Where a {@link ResumableFeed} writes: a Server-Sent Events response or a WebSocket. */
public interface FeedSink {

  /** The feed has sought its start, {@code position}: what follows is every message after it. */
  void opened(String position);

  /** Writes {@code message}, read up to {@code position}. */
  void send(String position, JsonObject message);

  /** Tells an idle client that the feed is alive and where it stands (what it read was for other tenants). */
  void heartbeat(String position);

  /** Whether what is written waits for the client beyond the sink's bound: the feed then reads no more. */
  boolean writeQueueFull();

  /** Runs once the client has taken what waited. */
  void drainHandler(Runnable drained);

  /** Runs when the client goes away or the sink is closed. */
  void closeHandler(Runnable closed);

  /** Ends the feed, telling the client why (in words it can show, and with a code it can act on). */
  void close(String reason, String detail);

  boolean isClosed();
}
