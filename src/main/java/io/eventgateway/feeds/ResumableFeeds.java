package io.eventgateway.feeds;

import io.eventgateway.config.FeedsConfig;
import io.eventgateway.config.KafkaConfig;
import io.eventgateway.kafka.FeedFormat;
import io.eventgateway.kafka.FeedStart;
import io.eventgateway.kafka.KafkaSettings;
import io.eventgateway.kafka.RecordDecoder;
import io.eventgateway.kafka.ResumableFeed;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.vertx.core.Vertx;
import java.util.Properties;
import java.util.Set;

/**
 * Opens the resumable feeds of one HTTP verticle: alerts from the alert topic, events from the family topics, each
 * a {@link ResumableFeed} of its own, written to an event stream or a WebSocket.
 */
public final class ResumableFeeds {

  /** Which feed: the tenant's alerts, or its accepted events (of one type, or all). */
  public enum Feed {
    ALERTS,
    EVENTS
  }

  /** Where a client asked its feed to start (see {@link FeedStart}). */
  public record Start(FeedStart start) {}

  /** A start a client asked for that cannot be read; {@code field} is what it sent it in. */
  public static final class InvalidStart extends IllegalArgumentException {

    private final String field;

    private InvalidStart(FeedStart.Invalid invalid) {
      super(invalid.getMessage());
      this.field = invalid.field();
    }

    public String field() {
      return field;
    }
  }

  private final Properties settings;
  private final Vertx vertx;
  private final KafkaConfig kafka;
  private final String alertTopic;
  private final EventCatalog catalog;
  private final RecordDecoder decoder;
  private final FeedsConfig config;

  public ResumableFeeds(
      Vertx vertx, KafkaConfig kafka, String alertTopic, EventCatalog catalog, FeedsConfig config) {
    this.vertx = vertx;
    this.settings = KafkaSettings.consumer(kafka);
    this.kafka = kafka;
    this.alertTopic = alertTopic;
    this.catalog = catalog;
    this.decoder = new RecordDecoder(vertx, catalog);
    this.config = config;
  }

  public FeedsConfig config() {
    return config;
  }

  /**
   * @param lastEventId the {@code Last-Event-ID} header or {@code lastEventId} parameter, or {@code null}
   * @param lastEventIdField which of the two it came in
   * @param from the {@code from} parameter, or {@code null}
   * @throws InvalidStart naming the field that cannot be read
   */
  public static Start start(String lastEventId, String lastEventIdField, String from) {
    try {
      return new Start(FeedStart.of(lastEventId, lastEventIdField, from));
    } catch (FeedStart.Invalid invalid) {
      throw new InvalidStart(invalid);
    }
  }

  /**
   * Opens {@code feed} of {@code tenant} into {@code sink}; events of {@code type} only (read from its family's
   * topic) unless it is null. A feed that cannot start closes its sink with the reason.
   */
  public void open(Feed feed, String type, Start start, String tenant, ClientSink sink) {
    EventType known = type == null ? null : catalog.find(type);
    Set<String> topics = feed == Feed.ALERTS
        ? Set.of(alertTopic)
        : known == null ? kafka.familyTopics() : Set.of(kafka.topics().get(known.family()));
    ResumableFeed.open(
            vertx,
            settings,
            topics,
            start.start(),
            tenant,
            feed == Feed.ALERTS ? FeedFormat.alerts() : FeedFormat.events(decoder, type),
            sink,
            config.heartbeatSeconds() * 1000L,
            config.stallSeconds() * 1000L)
        .onFailure(error -> sink.close(
            "feed-failed", "the feed could not start reading Kafka; reconnect to resume"));
  }
}
