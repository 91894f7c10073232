package io.eventgateway.http;

import io.eventgateway.auth.Caller;
import io.eventgateway.auth.RateLimits;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.ingest.CloudEventsReader;
import io.eventgateway.ingest.EventError;
import io.eventgateway.ingest.EventInput;
import io.eventgateway.ingest.EventProducer;
import io.eventgateway.ingest.EventValidator;
import io.eventgateway.ingest.Problem;
import io.eventgateway.ingest.RequestRejected;
import io.eventgateway.ingest.ResultsJson;
import io.eventgateway.ingest.Validated;
import io.eventgateway.schema.FieldError;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket ingest connection ({@code /v1/stream}). Each text frame holds one CloudEvent or several as NDJSON;
 * every event gets exactly one ack, in the order the events came, sent once Kafka acknowledged it (or with the
 * reason it was refused). Events read within one event-loop turn go to Kafka as one batch.
 *
 * <p>Flow control: when {@code maxPending} events await their ack, or the client does not read its acks fast
 * enough (the write queue is full), the session stops reading the socket until it catches up, so a fast or stuck
 * client costs bounded memory. When the producer is full ({@code 429}), the session stops reading and offers the
 * same batch again shortly: the client sees slower acks, not refusals.
 */
final class StreamSession {

  private static final MultiMap NO_HEADERS = MultiMap.caseInsensitiveMultiMap();
  /** Events read from every WebSocket of this process and not yet acknowledged to their client. */
  private static final AtomicLong PENDING =
      Metrics.gauge("gateway.stream.pending.events", new AtomicLong());

  /** An event's place in the ack order; {@code ack} is set when its outcome is known. */
  private static final class Slot {
    final long seq;
    String ack;

    Slot(long seq) {
      this.seq = seq;
    }
  }

  private static final long OVERLOADED_RETRY_MS = 100;

  private final Vertx vertx;
  private final ServerWebSocket socket;
  private final Context context;
  private final CloudEventsReader reader;
  private final EventValidator validator;
  private final EventProducer producer;
  private final int maxPending;
  private final Caller caller;
  private final RateLimits rateLimits;
  private final Deque<Slot> pending = new ArrayDeque<>();
  private List<EventValidator.Accepted> batch = new ArrayList<>();
  private List<Slot> batchSlots = new ArrayList<>();
  private long nextSeq;
  private boolean paused;
  private boolean throttled;
  private boolean overloaded;

  StreamSession(
      Vertx vertx,
      ServerWebSocket socket,
      CloudEventsReader reader,
      EventValidator validator,
      EventProducer producer,
      int maxPending,
      Caller caller,
      RateLimits rateLimits) {
    this.caller = caller;
    this.rateLimits = rateLimits;
    this.vertx = vertx;
    this.socket = socket;
    this.context = vertx.getOrCreateContext();
    this.reader = reader;
    this.validator = validator;
    this.producer = producer;
    this.maxPending = maxPending;
  }

  /** @param closed runs when the socket closes */
  void start(Runnable closed) {
    socket.textMessageHandler(this::frame);
    socket.binaryMessageHandler(
        binary -> refuse("binary frames are not accepted; send CloudEvents as JSON text"));
    socket.drainHandler(drained -> resumeIfCaughtUp());
    socket.closeHandler(ended -> {
      PENDING.addAndGet(-pending.size());
      closed.run();
    });
  }

  private void frame(String text) {
    long receivedAt = System.currentTimeMillis();
    List<EventInput> items;
    try {
      items = reader.read(CloudEventsReader.NDJSON, NO_HEADERS, Buffer.buffer(text));
    } catch (RequestRejected rejected) {
      refuse(rejected.problem().getString("detail"));
      return;
    }
    if (RateLimits.exceedsBurst(caller, items.size())) {
      String reason = items.size() + " events in one frame are more than '" + caller.name()
          + "' may send per second (" + caller.rateLimitPerSecond() + "); split the frame";
      items.forEach(item -> acknowledge(new EventError(
          0, null, 413, "Frame over the rate limit", List.of(new FieldError("", reason)))));
      return;
    }
    long waitMillis = rateLimits.waitMillis(caller, items.size());
    if (waitMillis > 0) {
      // over the limit: nothing of this frame is produced before its events fit, and nothing more
      // is read meanwhile
      throttled = true;
      pauseReading();
      vertx.setTimer(waitMillis, allowed -> {
        throttled = false;
        frame(text);
        resumeIfCaughtUp();
      });
      return;
    }
    for (EventInput item : items) {
      Slot slot = enqueue();
      Validated result = validator.validate(0, item, receivedAt, caller);
      if (result instanceof EventValidator.Accepted accepted) {
        if (batch.isEmpty()) {
          context.runOnContext(endOfTurn -> flush());
        }
        batch.add(accepted);
        batchSlots.add(slot);
      } else {
        slot.ack = ResultsJson.ack(slot.seq, (EventError) result);
      }
    }
    writeReadyAcks();
    if (pending.size() >= maxPending || socket.writeQueueFull()) {
      pauseReading();
    }
  }

  private void pauseReading() {
    paused = true;
    socket.pause();
  }

  /** A frame that is not an event at all still gets one ack, so the client's count stays right. */
  private void refuse(String reason) {
    acknowledge(EventError.invalid(0, null, "", reason));
  }

  private void acknowledge(EventError refused) {
    Slot slot = enqueue();
    slot.ack = ResultsJson.ack(slot.seq, refused);
    writeReadyAcks();
  }

  private Slot enqueue() {
    Slot slot = new Slot(nextSeq++);
    pending.add(slot);
    PENDING.incrementAndGet();
    return slot;
  }

  private void flush() {
    List<EventValidator.Accepted> events = batch;
    List<Slot> slots = batchSlots;
    batch = new ArrayList<>();
    batchSlots = new ArrayList<>();
    produce(events, slots);
  }

  private void produce(List<EventValidator.Accepted> events, List<Slot> slots) {
    producer
        .produce(events)
        .onSuccess(results -> {
          overloaded = false;
          for (int i = 0; i < slots.size(); i++) {
            slots.get(i).ack = ResultsJson.ack(slots.get(i).seq, results.get(i));
          }
          writeReadyAcks();
          resumeIfCaughtUp();
        })
        .onFailure(error -> {
          if (Problem.statusOf(error) == FailureCodes.OVERLOADED && !socket.isClosed()) {
            overloaded = true;
            pauseReading();
            vertx.setTimer(OVERLOADED_RETRY_MS, retry -> produce(events, slots));
            return;
          }
          overloaded = false;
          slots.forEach(slot -> slot.ack = ResultsJson.ack(
              slot.seq,
              new EventError(
                  0,
                  null,
                  503,
                  "Kafka unavailable",
                  List.of(new FieldError("", error.getMessage())))));
          writeReadyAcks();
          resumeIfCaughtUp();
        });
  }

  private void writeReadyAcks() {
    while (!pending.isEmpty() && pending.peek().ack != null && !socket.isClosed()) {
      socket.writeTextMessage(pending.poll().ack);
      PENDING.decrementAndGet();
    }
  }

  private void resumeIfCaughtUp() {
    if (paused
        && !throttled
        && !overloaded
        && pending.size() < maxPending / 2
        && !socket.writeQueueFull()) {
      paused = false;
      socket.resume();
    }
  }
}
