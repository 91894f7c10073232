package io.eventgateway.http;

import io.eventgateway.auth.Caller;
import io.eventgateway.auth.RateLimits;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.config.HttpConfig;
import io.eventgateway.ingest.AcceptStatuses;
import io.eventgateway.ingest.CloudEventsReader;
import io.eventgateway.ingest.EventError;
import io.eventgateway.ingest.EventInput;
import io.eventgateway.ingest.EventProducer;
import io.eventgateway.ingest.EventResult;
import io.eventgateway.ingest.EventValidator;
import io.eventgateway.ingest.Problem;
import io.eventgateway.ingest.RequestRejected;
import io.eventgateway.ingest.ResultsJson;
import io.eventgateway.ingest.Validated;
import io.eventgateway.schema.EventCatalog;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/events}: reads the events, validates each, sends the valid ones to Kafka as one batch and
 * answers only after Kafka acknowledged them (with {@code Prefer: respond-async}: once the producer took them, each
 * with its status URL, see {@link AcceptStatuses}): {@code 202} all accepted, {@code 207} some, otherwise the
 * common status of the failures ({@code 400} when they differ). A caller over its rate limit gets {@code 429}
 * before anything is validated; a full producer {@code 429}, an unreachable Kafka {@code 503}, both with
 * {@code Retry-After}.
 */
final class IngestHandler implements Handler<RoutingContext> {

  private static final String RETRY_AFTER_SECONDS = "5";
  private static final String OVERLOADED_RETRY_AFTER_SECONDS = "1";
  private static final String RESPOND_ASYNC = "respond-async";
  /** Encoded once: every 202 and 207 carries them. */
  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");

  private static final CharSequence APPLICATION_JSON =
      HttpHeaders.createOptimized("application/json");

  private final CloudEventsReader reader;
  private final EventValidator validator;
  private final EventCatalog catalog;
  private final EventProducer producer;
  private final RateLimits rateLimits;
  private final AcceptStatuses statuses;

  IngestHandler(
      EventCatalog catalog,
      EventProducer producer,
      HttpConfig http,
      RateLimits rateLimits,
      AcceptStatuses statuses) {
    this.rateLimits = rateLimits;
    this.statuses = statuses;
    this.catalog = catalog;
    this.reader = new CloudEventsReader(http.maxBatchEvents());
    this.validator = new EventValidator(catalog);
    this.producer = producer;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long receivedAt = System.currentTimeMillis();
    List<EventInput> items;
    try {
      items = reader.read(
          ctx.request().getHeader("Content-Type"),
          ctx.request().headers(),
          ctx.body().buffer());
    } catch (RequestRejected rejected) {
      Problem.send(ctx.response(), rejected.problem());
      return;
    }
    Caller caller = Authentication.caller(ctx);
    if (RateLimits.exceedsBurst(caller, items.size())) {
      Problem.send(
          ctx.response(),
          Problem.of(
              413,
              "batch-over-rate-limit",
              "Batch over the rate limit",
              items.size() + " events in one request are more than '" + caller.name()
                  + "' may send per second (" + caller.rateLimitPerSecond()
                  + "); split the batch"));
      return;
    }
    long waitMillis = rateLimits.waitMillis(caller, items.size());
    if (waitMillis > 0) {
      Problem.send(
          ctx.response().putHeader("Retry-After", String.valueOf((waitMillis + 999) / 1000)),
          Problem.of(
              429,
              "rate-limited",
              "Rate limit exceeded",
              "'" + caller.name() + "' may send " + caller.rateLimitPerSecond()
                  + " events per second"));
      return;
    }
    EventResult[] results = new EventResult[items.size()];
    List<EventValidator.Accepted> accepted = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      Validated validated = validator.validate(i, items.get(i), receivedAt, caller);
      if (validated instanceof EventValidator.Accepted ok) {
        accepted.add(ok);
      } else {
        results[i] = (EventError) validated;
      }
    }
    if (accepted.isEmpty()) {
      respond(ctx, results);
      return;
    }
    if (prefersAsync(ctx)) {
      statuses
          .accept(producer, accepted, RequestBudget.holdPastAnswer(ctx))
          .onSuccess(handed -> {
            for (int i = 0; i < accepted.size(); i++) {
              results[accepted.get(i).index()] = handed.get(i);
            }
            ctx.response().putHeader("Preference-Applied", RESPOND_ASYNC);
            if (results.length == 1) {
              ctx.response()
                  .putHeader("Location", ((EventResult.Handed) handed.get(0)).statusUrl());
            }
            respond(ctx, results);
          })
          .onFailure(error -> produceFailed(ctx, error));
      return;
    }
    producer
        .produce(accepted)
        .onSuccess(produced -> {
          for (int i = 0; i < accepted.size(); i++) {
            results[accepted.get(i).index()] = produced.get(i);
          }
          respond(ctx, results);
        })
        .onFailure(error -> produceFailed(ctx, error));
  }

  /** {@code Prefer: respond-async} (RFC 7240), among the request's preferences. */
  private static boolean prefersAsync(RoutingContext ctx) {
    for (String prefer : ctx.request().headers().getAll("Prefer")) {
      for (String preference : prefer.split(",")) {
        if (preference.split(";", 2)[0].trim().equalsIgnoreCase(RESPOND_ASYNC)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Nothing of the request was acknowledged: tell the client when to send it all again. */
  private static void produceFailed(RoutingContext ctx, Throwable error) {
    if (error instanceof AcceptStatuses.TooManyPending tooMany) {
      Problem.send(
          ctx.response().putHeader("Retry-After", OVERLOADED_RETRY_AFTER_SECONDS),
          Problem.of(429, "too-many-pending", "Too many events pending", tooMany.getMessage()));
      return;
    }
    int status = Problem.statusOf(error);
    if (status == FailureCodes.OVERLOADED) {
      Problem.send(
          ctx.response().putHeader("Retry-After", OVERLOADED_RETRY_AFTER_SECONDS),
          Problem.of(
              429,
              "overloaded",
              "Too many events in flight",
              "No event of this request was acknowledged: " + error.getMessage()));
      return;
    }
    Problem.send(
        ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS),
        Problem.of(
            status == FailureCodes.TIMEOUT ? 504 : 503,
            "kafka-unavailable",
            "Kafka unavailable",
            "No event of this request was acknowledged: " + error.getMessage()));
  }

  private void respond(RoutingContext ctx, EventResult[] results) {
    JsonArray errors = new JsonArray();
    int acceptedCount = 0;
    Integer commonStatus = null;
    boolean mixedStatuses = false;
    for (EventResult result : results) {
      if (result instanceof EventError error) {
        error
            .errors()
            .forEach(field -> errors.add(new JsonObject()
                .put("index", error.index())
                .put("id", error.id())
                .put("field", field.field())
                .put("reason", field.reason())));
        mixedStatuses |= commonStatus != null && commonStatus != error.status();
        commonStatus = error.status();
      } else {
        acceptedCount++;
      }
    }
    int rejectedCount = results.length - acceptedCount;
    if (acceptedCount > 0 || rejectedCount == 0) {
      ctx.response()
          .setStatusCode(rejectedCount == 0 ? 202 : 207)
          .putHeader(CONTENT_TYPE, APPLICATION_JSON)
          .end(ResultsJson.summary(acceptedCount, rejectedCount, results));
    } else {
      int status = mixedStatuses ? 400 : commonStatus;
      JsonObject problem = Problem.of(
              status,
              switch (status) {
                case 403 -> "forbidden";
                case 404 -> "unknown-event-type";
                case 503 -> "kafka-unavailable";
                default -> "invalid-events";
              },
              switch (status) {
                case 403 -> "Forbidden";
                case 404 -> "Unknown event type";
                case 503 -> "Kafka unavailable";
                default -> "No event was accepted";
              },
              rejectedCount == 1
                  ? firstReason(errors)
                  : rejectedCount + " events were rejected; see errors")
          .put("errors", errors)
          // a refusal is the rare answer: its entries are written once, then read into the
          // problem's tree
          .put("results", new JsonArray(ResultsJson.array(results)));
      if (status == 404) {
        problem.put("knownTypes", catalog.typeNames());
      }
      if (status == 503) {
        ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
      }
      Problem.send(ctx.response(), problem);
    }
  }

  private static String firstReason(JsonArray errors) {
    JsonObject first = errors.getJsonObject(0);
    String field = first.getString("field");
    return (field.isEmpty() ? "" : field + ": ") + first.getString("reason");
  }
}
