package io.eventgateway.ingest;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.ProduceBatch;
import io.eventgateway.bus.ProduceResult;
import io.eventgateway.kafka.GatewayHeaders;
import io.eventgateway.kafka.KafkaProducerVerticle;
import io.eventgateway.kafka.RecordSender;
import io.eventgateway.schema.FieldError;
import io.eventgateway.tracing.Tracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends accepted events to Kafka and turns Kafka's outcome for each into its result: a {@code 202} record of where
 * it was stored, or an {@link EventError} {@code 503}. Shared by the HTTP and the WebSocket ingest of one event loop.
 *
 * <p>The events go to the process's {@link RecordSender} on this event loop's own thread, and their outcomes come
 * back to it: one thread hop per produce request (from Kafka's I/O thread), none to another event loop. Without a
 * producer in this process (a test playing it) they go to {@link io.eventgateway.kafka.KafkaProducerVerticle}'s
 * address instead.
 *
 * <p>The requests an event loop reads in one turn go to the producer together, in one produce request (up to
 * {@link #MAX_GATHERED_EVENTS} events): a single-event client costs one budget check and one hop back per turn
 * rather than per event. Nothing waits for company: the turn's end is when the loop would be idle. Each request
 * still gets its own outcomes, each event its own offset or error. While traces are exported every request goes
 * alone, so that its trace holds its own produce span.
 */
public final class EventProducer {

  /** Enough to fill Kafka's batches, small enough that one produce request never holds a turn's answers long. */
  static final int MAX_GATHERED_EVENTS = 1_000;

  /**
   * Each tenant's counter, found without the registry's lookup on every request; as many as the registry holds
   * anyway.
   */
  private static final Map<String, Counter> ACCEPTED_BY_TENANT = new ConcurrentHashMap<>();

  private final Vertx vertx;
  private final long timeoutMs;
  private final DeliveryOptions options;
  /** The event loop whose requests are gathered; {@code null} when made elsewhere, or while traces are exported. */
  private final Thread gatheringLoop;

  private List<Waiting> waiting = new ArrayList<>();
  private int waitingEvents;

  /** A request's events waiting for the end of the turn, and where their outcomes go. */
  private record Waiting(
      List<EventValidator.Accepted> events, Promise<List<ProduceResult.Outcome>> outcomes) {}

  /** Made on the event loop whose requests it gathers. */
  public EventProducer(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.gatheringLoop =
        Context.isOnEventLoopThread() && !Tracing.enabled(vertx) ? Thread.currentThread() : null;
  }

  /**
   * @return one result per event, in order; fails as a whole when the producer refused the produce request
   *     (overloaded), could not be reached or did not answer in time
   */
  public Future<List<EventResult>> produce(List<EventValidator.Accepted> events) {
    return outcomes(events).map(outcomes -> {
      countAcknowledged(events, outcomes);
      List<EventResult> results = new ArrayList<>(events.size());
      for (int i = 0; i < events.size(); i++) {
        results.add(result(events.get(i), outcomes.get(i)));
      }
      return results;
    });
  }

  /**
   * Hands {@code events} to the producer in a produce request of their own; succeeds once the producer took them,
   * and Kafka's outcomes then go to {@code outcomesAddress} (see {@link AcceptStatuses}).
   */
  Future<Void> handOver(List<EventValidator.Accepted> events, String outcomesAddress) {
    return vertx
        .eventBus()
        .request(
            Addresses.EVENTS_PRODUCE, new ProduceBatch(records(events), outcomesAddress), options)
        .mapEmpty();
  }

  private Future<List<ProduceResult.Outcome>> outcomes(List<EventValidator.Accepted> events) {
    if (Thread.currentThread() != gatheringLoop) {
      return send(records(events));
    }
    Promise<List<ProduceResult.Outcome>> outcomes = Promise.promise();
    waiting.add(new Waiting(events, outcomes));
    waitingEvents += events.size();
    if (waitingEvents >= MAX_GATHERED_EVENTS) {
      sendWaiting();
    } else if (waiting.size() == 1) {
      vertx.runOnContext(turnEnded -> sendWaiting());
    }
    return outcomes.future();
  }

  /** One produce request for every request waiting; each gets its own slice of the outcomes. */
  private void sendWaiting() {
    if (waiting.isEmpty()) {
      return;
    }
    List<Waiting> sending = waiting;
    waiting = new ArrayList<>();
    waitingEvents = 0;
    List<ProduceBatch.Record> records = new ArrayList<>();
    sending.forEach(request -> records.addAll(records(request.events())));
    send(records)
        .onComplete(
            outcomes -> {
              int from = 0;
              for (Waiting request : sending) {
                int to = from + request.events().size();
                request.outcomes().complete(outcomes.subList(from, to));
                from = to;
              }
            },
            error -> sending.forEach(request -> request.outcomes().fail(error)));
  }

  private Future<List<ProduceResult.Outcome>> send(List<ProduceBatch.Record> records) {
    RecordSender sender = RecordSender.inProcess(vertx);
    if (sender != null) {
      return withinTimeout(sender.send(records).acknowledged()).map(ProduceResult::outcomes);
    }
    return vertx
        .eventBus()
        .<ProduceResult>request(Addresses.EVENTS_PRODUCE, new ProduceBatch(records), options)
        .map(reply -> reply.body().outcomes());
  }

  /**
   * The same bound, and the same 504, as a request over the event bus. The timer is the calling event loop's own:
   * {@code Future.timeout} on a future that has no context schedules on Netty's global executor, a thread woken
   * twice per produce request.
   */
  private Future<ProduceResult> withinTimeout(Future<ProduceResult> acknowledged) {
    Promise<ProduceResult> answer = Promise.promise();
    long timer = vertx.setTimer(
        timeoutMs,
        fired -> answer.tryFail(new ReplyException(
            ReplyFailure.TIMEOUT, "Kafka did not answer within " + timeoutMs + " ms")));
    acknowledged.onComplete(
        result -> {
          vertx.cancelTimer(timer);
          answer.tryComplete(result);
        },
        error -> {
          vertx.cancelTimer(timer);
          answer.tryFail(error);
        });
    return answer.future();
  }

  private static List<ProduceBatch.Record> records(List<EventValidator.Accepted> events) {
    return events.stream().map(EventValidator.Accepted::record).toList();
  }

  private static EventResult result(EventValidator.Accepted event, ProduceResult.Outcome outcome) {
    return outcome.succeeded()
        ? new EventResult.Acknowledged(
            event.index(), event.id(), outcome.topic(), outcome.partition(), outcome.offset())
        : new EventError(
            event.index(),
            event.id(),
            503,
            "Kafka did not acknowledge the event",
            List.of(new FieldError("", outcome.error())));
  }

  /**
   * Counts the acknowledged events by tenant ({@code gateway.tenant.events.accepted}): each tenant's own figure for
   * its dashboard. A request's events are one caller's, so of one tenant.
   */
  static void countAcknowledged(
      List<EventValidator.Accepted> events, List<ProduceResult.Outcome> outcomes) {
    int acknowledged = 0;
    for (ProduceResult.Outcome outcome : outcomes) {
      if (outcome.succeeded()) {
        acknowledged++;
      }
    }
    if (acknowledged > 0) {
      ACCEPTED_BY_TENANT
          .computeIfAbsent(
              events.get(0).record().headers().get(GatewayHeaders.TENANT),
              tenant -> Metrics.counter(KafkaProducerVerticle.TENANT_ACCEPTED, "tenant", tenant))
          .increment(acknowledged);
    }
  }
}
