package io.eventgateway.feeds;

import io.eventgateway.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

/**
 * One subscriber of a live feed ({@code /v1/feeds/alerts}, {@code /v1/feeds/events?type=}), of one tenant's alerts or
 * events. A subscriber that
 * does not keep up is sampled: while its write queue is full, messages for it are dropped (and counted, and
 * reported to it once it catches up), so a slow subscriber never slows ingestion or processing.
 */
public final class FeedSession {

  private final ServerWebSocket socket;
  private long dropped;

  private FeedSession(ServerWebSocket socket) {
    this.socket = socket;
    socket.setWriteQueueMaxSize(64 * 1024);
  }

  /**
   * Streams every alert of {@code tenant} raised or resolved, as CloudEvents; {@code closed} runs when the socket
   * closes.
   */
  public static void alerts(Vertx vertx, ServerWebSocket socket, String tenant, Runnable closed) {
    FeedSession session = new FeedSession(socket);
    MessageConsumer<String> consumer = vertx
        .eventBus()
        .consumer(Addresses.feedAlerts(tenant), alert -> session.send(alert.body()));
    socket.closeHandler(ended -> {
      consumer.unregister();
      closed.run();
    });
  }

  /**
   * Streams the accepted events of {@code tenant}, of one type when {@code type} is given; {@code closed} runs when
   * the socket closes.
   */
  public static void events(
      Vertx vertx, ServerWebSocket socket, String tenant, String type, Runnable closed) {
    FeedSession session = new FeedSession(socket);
    MessageConsumer<JsonObject> consumer = vertx
        .eventBus()
        .consumer(Addresses.feedEvents(tenant), event -> {
          if (type == null || type.equals(event.body().getString("type"))) {
            session.send(event.body().encode());
          }
        });
    vertx.eventBus().publish(Addresses.FEED_EVENTS_WATCHERS, 1);
    socket.closeHandler(ended -> {
      consumer.unregister();
      vertx.eventBus().publish(Addresses.FEED_EVENTS_WATCHERS, -1);
      closed.run();
    });
  }

  private void send(String message) {
    if (socket.isClosed()) {
      return;
    }
    if (socket.writeQueueFull()) {
      dropped++;
      return;
    }
    if (dropped > 0) {
      socket.writeTextMessage(new JsonObject().put("dropped", dropped).encode());
      dropped = 0;
    }
    socket.writeTextMessage(message);
  }
}
