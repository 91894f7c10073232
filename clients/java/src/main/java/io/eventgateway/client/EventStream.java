package io.eventgateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Sends events over the gateway's WebSocket {@code /v1/stream}: one text frame per event, each answered by one
 * ack, in order, once Kafka acknowledged it. When the connection drops (a gateway restart, a network cut), it
 * connects again with backoff and sends every event not acknowledged yet again, in order and with its id, so that
 * nothing is lost and the gateway stores each event once. At most {@code maxUnacknowledged} events are held: a
 * sender then waits. Thread-safe.
 */
public final class EventStream implements AutoCloseable {

  private static final Set<Integer> TRANSIENT = Set.of(408, 429, 500, 503, 504);

  private final URI uri;
  private final Supplier<String> credentials;
  private final int maxUnacknowledged;
  private final int maxAttempts;
  private final Backoff backoff;
  private final ObjectMapper json;
  private final EventJson events;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "event-gateway-stream");
        thread.setDaemon(true);
        return thread;
      });

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition room = lock.newCondition();
  /** Sent on the current connection and not acknowledged, in the order sent: the acks come in this order. */
  private final ArrayDeque<Pending> sent = new ArrayDeque<>();
  /** Given and not sent yet on the current connection. */
  private final ArrayDeque<Pending> unsent = new ArrayDeque<>();

  private WebSocket socket;
  private boolean connecting;
  private int failedConnects;
  private long connections;
  private boolean closed;
  /** {@link #close} began: no more events are taken, those held are still sent until answered. */
  private boolean closing;
  /** A frame is being written: the WebSocket API takes one at a time. */
  private boolean sending;
  /** Events Kafka refused for now, waiting for their backoff before they are sent again. */
  private int parked;

  private static final class Pending {
    final Event event;
    final String frame;
    final CompletableFuture<EventResult> result = new CompletableFuture<>();
    int attempts;

    Pending(Event event, String frame) {
      this.event = event;
      this.frame = frame;
    }
  }

  private EventStream(
      URI baseUrl,
      Supplier<String> credentials,
      int maxUnacknowledged,
      int maxAttempts,
      Backoff backoff,
      ObjectMapper json) {
    String base = baseUrl.toString().replaceFirst("^http", "ws").replaceAll("/+$", "");
    this.uri = URI.create(base + "/v1/stream");
    this.credentials = credentials;
    this.maxUnacknowledged = maxUnacknowledged;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.json = json;
    this.events = new EventJson(json);
  }

  /**
   * A stream to the gateway at {@code baseUrl} ({@code http://…} or {@code https://…}), connecting now.
   *
   * @param maxUnacknowledged events held at most (sent and not acknowledged, or waiting to be sent)
   */
  public static EventStream open(URI baseUrl, Supplier<String> credentials, int maxUnacknowledged) {
    EventStream stream = new EventStream(
        baseUrl,
        Objects.requireNonNull(credentials, "credentials"),
        maxUnacknowledged,
        20,
        new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5)),
        new ObjectMapper());
    stream.connect();
    return stream;
  }

  /** Sends {@code event}; its future completes with its ack. Waits while {@code maxUnacknowledged} are held. */
  public CompletableFuture<EventResult> send(Event event) {
    Pending pending = new Pending(event, new String(events.write(event), StandardCharsets.UTF_8));
    lock.lock();
    try {
      while (!closing && sent.size() + unsent.size() + parked >= maxUnacknowledged) {
        room.awaitUninterruptibly();
      }
      if (closing) {
        throw new IllegalStateException("the stream is closed");
      }
      unsent.add(pending);
    } finally {
      lock.unlock();
    }
    sendUnsent();
    return pending.result;
  }

  /** Connections made so far (1 until the first reconnect). */
  public long connections() {
    lock.lock();
    try {
      return connections;
    } finally {
      lock.unlock();
    }
  }

  /** Takes no more events, waits until every event given is answered, then closes the connection. */
  @Override
  public void close() {
    lock.lock();
    try {
      closing = true;
      room.signalAll();
      while (!sent.isEmpty() || !unsent.isEmpty() || parked > 0) {
        room.awaitUninterruptibly();
      }
      closed = true;
    } finally {
      lock.unlock();
    }
    WebSocket open = socket;
    if (open != null) {
      open.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(error -> null);
    }
    timer.shutdownNow();
  }

  private void connect() {
    lock.lock();
    try {
      if (connecting || closed) {
        return;
      }
      connecting = true;
    } finally {
      lock.unlock();
    }
    String credential;
    try {
      credential = credentials.get();
    } catch (RuntimeException noCredential) {
      lock.lock();
      try {
        connecting = false;
        failedConnects++;
      } finally {
        lock.unlock();
      }
      reconnectLater();
      return;
    }
    http.newWebSocketBuilder()
        .header("Authorization", "Bearer " + credential)
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(uri, new Acks())
        .whenComplete((opened, error) -> {
          lock.lock();
          try {
            connecting = false;
            if (opened != null) {
              socket = opened;
              connections++;
              failedConnects = 0;
            } else {
              failedConnects++;
            }
          } finally {
            lock.unlock();
          }
          if (opened != null) {
            sendUnsent();
          } else {
            reconnectLater();
          }
        });
  }

  /** The connection is gone: what was sent on it and not acknowledged goes first, in order, on the next one. */
  private void lost(WebSocket gone) {
    lock.lock();
    try {
      if (socket != gone) {
        return;
      }
      socket = null;
      sending = false;
      while (!sent.isEmpty()) {
        unsent.addFirst(sent.pollLast());
      }
    } finally {
      lock.unlock();
    }
    gone.abort();
    reconnectLater();
  }

  private void reconnectLater() {
    int failed;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      failed = failedConnects;
    } finally {
      lock.unlock();
    }
    timer.schedule(
        this::connect,
        backoff.before(Math.max(1, failed), Duration.ZERO).toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Sends what is unsent, one frame after the other (the WebSocket API allows one outstanding send at a time).
   */
  private void sendUnsent() {
    WebSocket open;
    Pending next;
    lock.lock();
    try {
      open = socket;
      next = open == null || sending ? null : unsent.poll();
      if (next == null) {
        return;
      }
      sending = true;
      next.attempts++;
      sent.add(next);
    } finally {
      lock.unlock();
    }
    open.sendText(next.frame, true).whenComplete((done, error) -> {
      lock.lock();
      try {
        // a send on a connection lost meanwhile says nothing about the current one
        if (socket == open) {
          sending = false;
        }
      } finally {
        lock.unlock();
      }
      if (error != null) {
        lost(open);
      } else {
        sendUnsent();
      }
    });
  }

  private void acknowledged(WebSocket from, String text) {
    JsonNode ack;
    try {
      ack = json.readTree(text);
    } catch (IOException notJson) {
      return;
    }
    Pending pending;
    lock.lock();
    try {
      if (from != socket || sent.isEmpty()) {
        return;
      }
      pending = sent.poll();
      room.signalAll();
    } finally {
      lock.unlock();
    }
    int status = ack.path("status").asInt();
    if (TRANSIENT.contains(status) && pending.attempts < maxAttempts) {
      // Kafka refused it for now: sent again after its backoff, after the others (its id keeps it
      // stored once)
      lock.lock();
      try {
        parked++;
      } finally {
        lock.unlock();
      }
      timer.schedule(
          () -> {
            lock.lock();
            try {
              parked--;
              unsent.add(pending);
            } finally {
              lock.unlock();
            }
            sendUnsent();
          },
          backoff.before(pending.attempts, Duration.ZERO).toMillis(),
          TimeUnit.MILLISECONDS);
      return;
    }
    EventResult result;
    if (ack.has("offset") && status < 300) {
      result = new EventResult.Acknowledged(
          pending.event,
          ack.path("topic").asText(),
          ack.path("partition").asInt(),
          ack.path("offset").asLong(),
          pending.attempts);
    } else {
      List<FieldError> errors = new ArrayList<>();
      ack.path("errors")
          .forEach(error -> errors.add(
              new FieldError(error.path("field").asText(), error.path("reason").asText())));
      result = TRANSIENT.contains(status)
          ? new EventResult.GaveUp(
              pending.event, status + " after " + pending.attempts + " attempts", pending.attempts)
          : new EventResult.Refused(pending.event, status, errors, pending.attempts);
    }
    // not on the WebSocket's thread: a caller's callback that sends (and waits for room) must not
    // stop the acks from being read
    ForkJoinPool.commonPool().execute(() -> pending.result.complete(result));
  }

  /** Reads acks, one text message at a time (a message may come in parts). */
  private final class Acks implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        acknowledged(webSocket, message);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      lost(webSocket);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      lost(webSocket);
    }
  }
}
