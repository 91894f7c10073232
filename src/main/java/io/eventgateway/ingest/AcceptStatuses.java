package io.eventgateway.ingest;

import io.eventgateway.bus.ProduceResult;
import io.eventgateway.kafka.CloudEventHeaders;
import io.eventgateway.kafka.GatewayHeaders;
import io.eventgateway.kafka.KafkaProducerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asynchronous accept ({@code Prefer: respond-async}) on this node: hands events to the producer without waiting
 * for Kafka, and tells what became of each until PostgreSQL does. An event is {@code pending} here from hand-over
 * until the producer recorded Kafka's outcome in {@code accept_statuses} ({@code durable} or {@code failed}); from
 * then on every node answers for it, and this one forgets it. While PostgreSQL cannot take the record, the outcome
 * stays here (at most {@code status.maxPendingPerTenant} events of a tenant, for {@code status.retentionSeconds}).
 */
public final class AcceptStatuses implements Shareable {

  /** Where an event's status is asked: {@code GET /v1/events/status/{token}}. */
  public static final String STATUS_PATH = "/v1/events/status/";

  private final Vertx vertx;
  private final int maxPendingPerTenant;
  private final long retentionMillis;
  private final Map<Key, Known> known = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> perTenant = new ConcurrentHashMap<>();
  private final AtomicLong outcomeAddresses = new AtomicLong();
  private final String node = UUID.randomUUID().toString().substring(0, 8);

  /** An event's identity: its tenant, CloudEvents source and id. */
  public record Key(String tenant, String source, String id) {}

  /** What this node knows of an event: {@code pending}, or Kafka's outcome not yet recorded elsewhere. */
  private record Known(JsonObject status, long since) {}

  private AcceptStatuses(Vertx vertx, int maxPendingPerTenant, long retentionMillis) {
    this.vertx = vertx;
    this.maxPendingPerTenant = maxPendingPerTenant;
    this.retentionMillis = retentionMillis;
    vertx.setPeriodic(60_000, tick -> forgetExpired());
  }

  /** The node's one book, shared by every event loop's verticle. */
  public static AcceptStatuses of(Vertx vertx, JsonObject status) {
    return (AcceptStatuses) vertx
        .sharedData()
        .getLocalMap("gateway.ingest")
        .computeIfAbsent(
            "acceptStatuses",
            key -> new AcceptStatuses(
                vertx,
                status.getInteger("maxPendingPerTenant"),
                status.getLong("retentionSeconds") * 1000));
  }

  /**
   * Hands {@code events} to the producer; succeeds once it took them (within its in-flight budget), each event then
   * {@code pending} with its status URL. {@code kafkaAnswered} runs once Kafka answered for all of them, or they were
   * refused. Fails as {@link EventProducer#produce} does when the producer refused the
   * batch (overloaded, unreachable), or with {@link TooManyPending} when the tenant has too many pending here.
   */
  public Future<List<EventResult>> accept(
      EventProducer producer, List<EventValidator.Accepted> events, Runnable kafkaAnswered) {
    List<Key> keys = events.stream().map(AcceptStatuses::keyOf).toList();
    String tenant = keys.get(0).tenant();
    AtomicInteger pending = perTenant.computeIfAbsent(tenant, ignored -> new AtomicInteger());
    if (pending.addAndGet(keys.size()) > maxPendingPerTenant) {
      pending.addAndGet(-keys.size());
      kafkaAnswered.run();
      return Future.failedFuture(new TooManyPending(tenant, maxPendingPerTenant));
    }
    long since = System.currentTimeMillis();
    for (int i = 0; i < keys.size(); i++) {
      remember(
          keys.get(i),
          new JsonObject()
              .put("status", "pending")
              .put("topic", events.get(i).record().topic()),
          since);
    }
    String address = "gateway.ingest.outcomes." + node + "." + outcomeAddresses.incrementAndGet();
    MessageConsumer<ProduceResult> outcomes = vertx.eventBus().localConsumer(address);
    outcomes.handler(message -> {
      switch (message.headers().get(KafkaProducerVerticle.STAGE)) {
        case KafkaProducerVerticle.ACKNOWLEDGED -> {
          EventProducer.countAcknowledged(events, message.body().outcomes());
          settled(keys, message.body().outcomes());
          kafkaAnswered.run();
        }
        case KafkaProducerVerticle.RECORDED -> {
          outcomes.unregister();
          forget(keys, since);
        }
        default -> outcomes.unregister();
      }
    });
    return producer
        .handOver(events, address)
        .map(handed -> {
          List<EventResult> results = new ArrayList<>(events.size());
          for (int i = 0; i < events.size(); i++) {
            EventValidator.Accepted event = events.get(i);
            results.add(new EventResult.Handed(event.index(), event.id(), statusUrl(keys.get(i))));
          }
          return results;
        })
        .onFailure(refused -> {
          outcomes.unregister();
          forget(keys, since);
          kafkaAnswered.run();
        });
  }

  /**
   * Kafka's outcome for each event: this node tells it until PostgreSQL does, or, when PostgreSQL did not take it,
   * for {@code status.retentionSeconds}.
   */
  private void settled(List<Key> keys, List<ProduceResult.Outcome> outcomes) {
    for (int i = 0; i < keys.size(); i++) {
      ProduceResult.Outcome outcome = outcomes.get(i);
      JsonObject status = outcome.succeeded()
          ? new JsonObject()
              .put("status", "durable")
              .put("topic", outcome.topic())
              .put("partition", outcome.partition())
              .put("offset", outcome.offset())
          : new JsonObject()
              .put("status", "failed")
              .put("topic", outcome.topic())
              .put("reason", "Kafka did not acknowledge the event: " + outcome.error());
      known.computeIfPresent(keys.get(i), (key, before) -> new Known(status, before.since()));
    }
  }

  /** What this node knows of the event, or {@code null}: for a status PostgreSQL does not know (yet). */
  public JsonObject status(Key key) {
    Known status = known.get(key);
    return status == null ? null : status.status();
  }

  private void remember(Key key, JsonObject status, long since) {
    if (known.put(key, new Known(status, since)) != null) {
      // the same event accepted again while pending: counted once
      perTenant.get(key.tenant()).decrementAndGet();
    }
  }

  /** Forgets what this request's hand-over noted (a later request of the same event keeps its own). */
  private void forget(List<Key> keys, long since) {
    keys.forEach(key -> {
      Known own = known.get(key);
      if (own != null && own.since() == since && known.remove(key, own)) {
        perTenant.get(key.tenant()).decrementAndGet();
      }
    });
  }

  private void forgetExpired() {
    long oldest = System.currentTimeMillis() - retentionMillis;
    known.forEach((key, status) -> {
      if (status.since() < oldest && known.remove(key, status)) {
        perTenant.get(key.tenant()).decrementAndGet();
      }
    });
  }

  private static Key keyOf(EventValidator.Accepted event) {
    Map<String, String> headers = event.record().headers();
    return new Key(
        headers.get(GatewayHeaders.TENANT),
        headers.get(CloudEventHeaders.SOURCE),
        headers.get(CloudEventHeaders.ID));
  }

  /** The event's status URL: its source and id, base64url, so that any text of either is one path segment. */
  public static String statusUrl(Key key) {
    String identity = new JsonArray().add(key.source()).add(key.id()).encode();
    return STATUS_PATH
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(identity.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The identity a status URL's last segment names, for {@code tenant}.
   *
   * @throws IllegalArgumentException when it is not one {@link #statusUrl} wrote
   */
  public static Key keyOf(String tenant, String token) {
    try {
      JsonArray identity =
          new JsonArray(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      if (identity.size() != 2
          || !(identity.getValue(0) instanceof String source)
          || !(identity.getValue(1) instanceof String id)) {
        throw new IllegalArgumentException("not a status token");
      }
      return new Key(tenant, source, id);
    } catch (RuntimeException unreadable) {
      throw new IllegalArgumentException("not a status token this gateway wrote", unreadable);
    }
  }

  /** The tenant has as many events pending on this node as it may. */
  public static final class TooManyPending extends RuntimeException {

    TooManyPending(String tenant, int max) {
      super(
          "tenant '" + tenant + "' has " + max
              + " events accepted asynchronously and not yet settled on this node (status.maxPendingPerTenant)");
    }
  }
}
