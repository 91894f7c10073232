package io.eventgateway.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Sends events to the gateway's {@code POST /v1/events}: buffered and sent in batches (by count, bytes and time),
 * sent again with the same ids after {@code 429}, {@code 503} and other answers that say "later" (backoff with
 * jitter, never sooner than {@code Retry-After}), and each event answered once with what became of it: {@link
 * EventResult.Acknowledged} with its Kafka offset, {@link EventResult.Refused} with the fields and reasons, {@link
 * EventResult.GaveUp} after {@code maxAttempts}. Thread-safe: any thread may send.
 *
 * <pre>{@code
 * try (GatewayClient gateway = GatewayClient.builder(URI.create("http://127.0.0.1:8080")).apiKey(key).build()) {
 *   gateway.send(Event.of("analytics.page_view", "/shop/web", Map.of("user_id", "u-1", ...)))
 *       .thenAccept(result -> System.out.println(result));
 * }
 * }</pre>
 */
public final class GatewayClient implements AutoCloseable {

  private static final String BATCH = "application/cloudevents-batch+json";

  private final URI events;
  private final Supplier<String> credentials;
  private final int maxBatchEvents;
  private final int maxBatchBytes;
  private final Duration linger;
  private final int bufferCapacity;
  private final WhenFull whenFull;
  private final int maxAttempts;
  private final int maxRequestsInFlight;
  private final Duration requestTimeout;
  private final Backoff backoff;
  private final ObjectMapper json;
  private final EventJson eventJson;
  private final HttpClient http;
  private final ScheduledExecutorService timer;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition room = lock.newCondition();
  private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
  private final ArrayDeque<List<Pending>> ready = new ArrayDeque<>();
  private final Set<CompletableFuture<EventResult>> unanswered = ConcurrentHashMap.newKeySet();
  private final AtomicLong dropped = new AtomicLong();
  private long bufferedBytes;
  private int held;
  private int requestsInFlight;
  private ScheduledFuture<?> lingering;
  private boolean closed;

  /** An event given to the client and not answered yet: its JSON, made once, and its attempts so far. */
  private static final class Pending {
    final Event event;
    final byte[] json;
    final CompletableFuture<EventResult> result = new CompletableFuture<>();
    int attempts;

    Pending(Event event, byte[] json) {
      this.event = event;
      this.json = json;
    }
  }

  private GatewayClient(Builder builder) {
    this.events = URI.create(builder.baseUrl.toString().replaceAll("/+$", "") + "/v1/events");
    this.credentials = Objects.requireNonNull(builder.credentials, "apiKey or credentials");
    this.maxBatchEvents = builder.maxBatchEvents;
    this.maxBatchBytes = builder.maxBatchBytes;
    this.linger = builder.linger;
    this.bufferCapacity = builder.bufferCapacity;
    this.whenFull = builder.whenFull;
    this.maxAttempts = builder.maxAttempts;
    this.maxRequestsInFlight = builder.maxRequestsInFlight;
    this.requestTimeout = builder.requestTimeout;
    this.backoff = new Backoff(builder.initialBackoff, builder.maxBackoff);
    this.json = builder.json;
    this.eventJson = new EventJson(builder.json);
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "event-gateway-client");
      thread.setDaemon(true);
      return thread;
    });
  }

  public static Builder builder(URI baseUrl) {
    return new Builder(baseUrl);
  }

  /**
   * Buffers {@code event}; its future completes once the gateway answered for it (or the client gave up). When the
   * buffer is full, blocks, drops or throws as the builder's {@link WhenFull} says.
   */
  public CompletableFuture<EventResult> send(Event event) {
    Pending pending = new Pending(event, eventJson.write(event));
    lock.lock();
    try {
      while (!closed && held >= bufferCapacity) {
        switch (whenFull) {
          case DROP -> {
            dropped.incrementAndGet();
            return CompletableFuture.completedFuture(new EventResult.Dropped(event));
          }
          case FAIL -> throw new BufferFullException(bufferCapacity);
          case BLOCK -> room.awaitUninterruptibly();
        }
      }
      if (closed) {
        throw new IllegalStateException("the client is closed");
      }
      held++;
      unanswered.add(pending.result);
      buffer.add(pending);
      bufferedBytes += pending.json.length + 1;
      if (buffer.size() >= maxBatchEvents || bufferedBytes >= maxBatchBytes) {
        cutBatches(false);
      } else if (lingering == null) {
        lingering = timer.schedule(this::flushBuffered, linger.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
    dispatch();
    return pending.result.whenComplete((result, error) -> unanswered.remove(pending.result));
  }

  /** Sends {@code batch} now (with whatever else is buffered); the results in the batch's order. */
  public CompletableFuture<List<EventResult>> sendBatch(List<Event> batch) {
    List<CompletableFuture<EventResult>> results = new ArrayList<>(batch.size());
    batch.forEach(event -> results.add(send(event)));
    flushBuffered();
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(all -> results.stream().map(CompletableFuture::join).toList());
  }

  /** Sends what is buffered now; completes once every event given so far is answered. */
  public CompletableFuture<Void> flush() {
    flushBuffered();
    return CompletableFuture.allOf(unanswered.toArray(CompletableFuture[]::new));
  }

  /** Events answered {@link EventResult.Dropped} because the buffer was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Sends what is buffered, waits for every answer, then stops; {@link #send} throws afterwards. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      room.signalAll();
    } finally {
      lock.unlock();
    }
    flush().join();
    lock.lock();
    try {
      // senders that were past the check when it closed: their events are answered too
      while (held > 0) {
        room.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
    timer.shutdownNow();
  }

  private void flushBuffered() {
    lock.lock();
    try {
      cutBatches(true);
    } finally {
      lock.unlock();
    }
    dispatch();
  }

  /** Moves buffered events into batches within the bounds: all of them, or only full batches. Under the lock. */
  private void cutBatches(boolean all) {
    while (!buffer.isEmpty()
        && (all || buffer.size() >= maxBatchEvents || bufferedBytes >= maxBatchBytes)) {
      List<Pending> batch = new ArrayList<>();
      long bytes = 0;
      while (!buffer.isEmpty()
          && batch.size() < maxBatchEvents
          && (batch.isEmpty() || bytes + buffer.peek().json.length + 1 <= maxBatchBytes)) {
        Pending next = buffer.poll();
        bytes += next.json.length + 1;
        batch.add(next);
      }
      bufferedBytes -= bytes;
      ready.add(batch);
    }
    if (buffer.isEmpty() && lingering != null) {
      lingering.cancel(false);
      lingering = null;
    }
  }

  /** Starts a request for each ready batch while fewer than {@code maxRequestsInFlight} are under way. */
  private void dispatch() {
    List<List<Pending>> starting = new ArrayList<>();
    lock.lock();
    try {
      while (requestsInFlight < maxRequestsInFlight && !ready.isEmpty()) {
        requestsInFlight++;
        starting.add(ready.poll());
      }
    } finally {
      lock.unlock();
    }
    starting.forEach(this::post);
  }

  private void post(List<Pending> batch) {
    batch.forEach(pending -> pending.attempts++);
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(events)
          .timeout(requestTimeout)
          .header("Content-Type", BATCH)
          .header("Authorization", "Bearer " + credentials.get())
          .POST(HttpRequest.BodyPublishers.ofByteArray(body(batch)))
          .build();
    } catch (RuntimeException noCredential) {
      answered(batch, null, noCredential);
      return;
    }
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete((response, error) -> answered(batch, response, error));
  }

  private void answered(List<Pending> batch, HttpResponse<String> response, Throwable error) {
    lock.lock();
    try {
      requestsInFlight--;
    } finally {
      lock.unlock();
    }
    if (response == null) {
      String reason = error == null
          ? "no answer"
          : error.getClass().getSimpleName() + ": " + error.getMessage();
      again(batch, batch.stream().map(pending -> reason).toList(), Duration.ZERO);
    } else {
      Answers.Answer answer = Answers.read(
          json,
          response,
          batch.stream().map(pending -> pending.event).toList(),
          batch.stream().map(pending -> pending.attempts).toList());
      if (answer.tooLarge()) {
        // over the gateway's http.maxBodyBytes or maxBatchEvents: the halves, at no extra attempt
        batch.forEach(pending -> pending.attempts--);
        lock.lock();
        try {
          ready.addFirst(batch.subList(batch.size() / 2, batch.size()));
          ready.addFirst(batch.subList(0, batch.size() / 2));
        } finally {
          lock.unlock();
        }
      } else {
        List<Pending> retried = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
          Answers.PerEvent perEvent = answer.perEvent().get(i);
          if (perEvent.result() != null) {
            finish(batch.get(i), perEvent.result());
          } else {
            retried.add(batch.get(i));
            reasons.add(perEvent.retryReason());
          }
        }
        again(retried, reasons, answer.retryAfter());
      }
    }
    dispatch();
  }

  /** Sends {@code batch} again after the backoff, each event until its {@code maxAttempts}. */
  private void again(List<Pending> batch, List<String> reasons, Duration retryAfter) {
    List<Pending> retried = new ArrayList<>();
    int attempts = 0;
    for (int i = 0; i < batch.size(); i++) {
      Pending pending = batch.get(i);
      if (pending.attempts >= maxAttempts) {
        finish(pending, new EventResult.GaveUp(pending.event, reasons.get(i), pending.attempts));
      } else {
        retried.add(pending);
        attempts = Math.max(attempts, pending.attempts);
      }
    }
    if (retried.isEmpty()) {
      return;
    }
    timer.schedule(
        () -> {
          lock.lock();
          try {
            ready.addFirst(retried);
          } finally {
            lock.unlock();
          }
          dispatch();
        },
        backoff.before(attempts, retryAfter).toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void finish(Pending pending, EventResult result) {
    lock.lock();
    try {
      held--;
      room.signalAll();
    } finally {
      lock.unlock();
    }
    pending.result.complete(result);
  }

  private static byte[] body(List<Pending> batch) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write('[');
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0) {
        body.write(',');
      }
      body.writeBytes(batch.get(i).json);
    }
    body.write(']');
    return body.toByteArray();
  }

  /** The client's settings; every one has a default but the credentials. */
  public static final class Builder {
    private final URI baseUrl;
    private Supplier<String> credentials;
    private int maxBatchEvents = 500;
    private int maxBatchBytes = 1024 * 1024;
    private Duration linger = Duration.ofMillis(50);
    private int bufferCapacity = 10_000;
    private WhenFull whenFull = WhenFull.BLOCK;
    private int maxAttempts = 10;
    private int maxRequestsInFlight = 4;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private ObjectMapper json = new ObjectMapper();

    private Builder(URI baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    }

    /** An API key ({@code POST /v1/admin/keys}), sent as {@code Authorization: Bearer}. */
    public Builder apiKey(String key) {
      Objects.requireNonNull(key, "key");
      this.credentials = () -> key;
      return this;
    }

    /** A credential asked for on every request: a token provider that renews its token when it expires. */
    public Builder credentials(Supplier<String> bearer) {
      this.credentials = Objects.requireNonNull(bearer, "bearer");
      return this;
    }

    /** A batch is sent once it holds this many events (500; the gateway takes at most 10,000). */
    public Builder maxBatchEvents(int events) {
      this.maxBatchEvents = positive(events, "maxBatchEvents");
      return this;
    }

    /** ... or this many bytes of JSON (1 MiB; the gateway takes at most 5 MiB). */
    public Builder maxBatchBytes(int bytes) {
      this.maxBatchBytes = positive(bytes, "maxBatchBytes");
      return this;
    }

    /** ... or once its first event waited this long (50 ms). */
    public Builder linger(Duration linger) {
      this.linger = Objects.requireNonNull(linger, "linger");
      return this;
    }

    /** At most this many events held (buffered, in flight or waiting to be sent again), then {@code whenFull}. */
    public Builder bufferCapacity(int events, WhenFull whenFull) {
      this.bufferCapacity = positive(events, "bufferCapacity");
      this.whenFull = Objects.requireNonNull(whenFull, "whenFull");
      return this;
    }

    /** Requests that carry an event before the client gives up on it (10). */
    public Builder maxAttempts(int attempts) {
      this.maxAttempts = positive(attempts, "maxAttempts");
      return this;
    }

    /** Requests under way at once (4). */
    public Builder maxRequestsInFlight(int requests) {
      this.maxRequestsInFlight = positive(requests, "maxRequestsInFlight");
      return this;
    }

    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The first wait before sending again, doubled each time up to {@code max} (100 ms, 10 s), with jitter. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = Objects.requireNonNull(initial, "initial");
      this.maxBackoff = Objects.requireNonNull(max, "max");
      return this;
    }

    /** The Jackson mapper that writes each event's {@code data} (modules for dates, records …). */
    public Builder objectMapper(ObjectMapper mapper) {
      this.json = Objects.requireNonNull(mapper, "mapper");
      return this;
    }

    public GatewayClient build() {
      return new GatewayClient(this);
    }

    private static int positive(int value, String name) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return value;
    }
  }
}
