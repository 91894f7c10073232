package io.eventgateway.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The bench's load generator: Vert.x's async HTTP and WebSocket clients on a single event loop, so that it costs
 * at most one of the machine's cores (the bench reports how much it used), with keep-alive connections as real
 * producers hold them. Every phase is bounded in time; results are counted on the one event loop, without locks.
 */
final class Load implements AutoCloseable {

  /**
   * What a phase measured: acknowledged events, elapsed seconds and each acknowledgement's latency, in all and per
   * {@link #WINDOW_SECONDS} from the start.
   */
  record Outcome(long acknowledged, long refused, double seconds, long[] latenciesMicros, List<Outcome> windows) {

    double perSecond() {
      return acknowledged / seconds;
    }

    /** @return the q-quantile of the latencies in milliseconds */
    double percentileMillis(double q) {
      if (latenciesMicros.length == 0) {
        return Double.NaN;
      }
      return latenciesMicros[Math.min(latenciesMicros.length - 1, (int) (q * latenciesMicros.length))] / 1000.0;
    }
  }

  static final int WINDOW_SECONDS = 10;

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final URI api;
  private final String authorization;
  private final HttpClientAgent http;
  private final WebSocketClient webSockets;

  Load(URI api, String apiKey, int connections) {
    this.api = api;
    this.authorization = "Bearer " + apiKey;
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(api.getHost())
        .setDefaultPort(api.getPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections));
    this.webSockets = vertx.createWebSocketClient();
  }

  /**
   * Closed loop: {@code concurrency} requests in flight, each sent as soon as the previous answered, until
   * {@code events} are acknowledged or {@code maxSeconds} passed. {@code body} makes request number n.
   */
  Outcome closedLoop(int concurrency, String contentType, int eventsPerRequest, long events, int maxSeconds,
      LongFunction<String> body) {
    // rounded up without overflow: Long.MAX_VALUE means "until the time is up"
    long requests = events / eventsPerRequest + (events % eventsPerRequest == 0 ? 0 : 1);
    Tally tally = new Tally(eventsPerRequest);
    return run(maxSeconds, tally, done -> {
      AtomicLong next = new AtomicLong();
      AtomicLong running = new AtomicLong(concurrency);
      long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
      for (int i = 0; i < concurrency; i++) {
        sendNext(next, requests, deadline, contentType, body, tally, () -> {
          if (running.decrementAndGet() == 0) {
            done.complete();
          }
        });
      }
    });
  }

  private void sendNext(AtomicLong next, long requests, long deadline, String contentType, LongFunction<String> body,
      Tally tally, Runnable finished) {
    long n = next.getAndIncrement();
    if (n >= requests || System.nanoTime() > deadline) {
      finished.run();
      return;
    }
    post(contentType, body.apply(n), tally).onComplete(answered ->
        sendNext(next, requests, deadline, contentType, body, tally, finished));
  }

  /**
   * Open loop: {@code perSecond} requests a second, paced every millisecond, for {@code seconds}, whatever the
   * answers; a request that would exceed {@code maxInFlight} is not sent and counted as refused by the generator.
   */
  Outcome openLoop(int perSecond, int seconds, int maxInFlight, String contentType, int eventsPerRequest,
      LongFunction<String> body) {
    Tally tally = new Tally(eventsPerRequest);
    return run(seconds + 60, tally, done -> {
      long started = System.nanoTime();
      long total = (long) perSecond * seconds;
      AtomicLong sent = new AtomicLong();
      AtomicLong inFlight = new AtomicLong();
      vertx.setPeriodic(1, timer -> {
        long due = Math.min(total, (System.nanoTime() - started) * perSecond / 1_000_000_000L);
        while (sent.get() < due) {
          long n = sent.getAndIncrement();
          if (inFlight.get() >= maxInFlight) {
            tally.answered(false, System.nanoTime());
            continue;
          }
          inFlight.incrementAndGet();
          post(contentType, body.apply(n), tally).onComplete(answered -> {
            if (inFlight.decrementAndGet() == 0 && sent.get() >= total) {
              done.tryComplete();
            }
          });
        }
        if (sent.get() >= total) {
          vertx.cancelTimer(timer);
          if (inFlight.get() == 0) {
            done.tryComplete();
          }
        }
      });
    });
  }

  /**
   * {@code connections} WebSockets on {@code /v1/stream}, each sending frames of {@code eventsPerFrame} NDJSON
   * events while fewer than {@code window} of its events await their ack, for {@code seconds}. The latency of an
   * event runs from sending its frame to its own ack (acks come in order).
   */
  Outcome webSockets(int connections, int eventsPerFrame, int window, int seconds, LongFunction<String> event) {
    Tally tally = new Tally(1);
    AtomicLong next = new AtomicLong();
    return run(seconds + 60, tally, done -> {
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      AtomicLong open = new AtomicLong(connections);
      for (int c = 0; c < connections; c++) {
        webSockets.connect(streamOptions()).onFailure(done::tryFail).onSuccess(socket -> {
          ArrayDeque<Long> sentAt = new ArrayDeque<>();
          Runnable fill = () -> {
            while (System.nanoTime() < deadline && sentAt.size() + eventsPerFrame <= window) {
              socket.writeTextMessage(frame(eventsPerFrame, event, next, sentAt, System.nanoTime()));
            }
          };
          socket.textMessageHandler(ack -> {
            Long sentNanos = sentAt.poll();
            if (sentNanos != null) {
              tally.answered(ack.contains("\"status\":202"), sentNanos);
            }
            if (sentAt.isEmpty() && System.nanoTime() >= deadline) {
              socket.close();
            } else {
              fill.run();
            }
          });
          socket.closeHandler(closed -> {
            if (open.decrementAndGet() == 0) {
              done.tryComplete();
            }
          });
          fill.run();
        });
      }
    });
  }

  /**
   * {@code connections} WebSockets on {@code /v1/stream}, offered {@code eventsPerSecond} in all, open loop, in
   * frames of {@code eventsPerFrame} NDJSON events taken in turn by the connections, for {@code seconds}. A frame
   * due while its connection has {@code window} events unacknowledged is counted as refused, not sent. The latency
   * of an event runs from its frame's due time to its own ack.
   */
  Outcome pacedWebSockets(int connections, int eventsPerFrame, int window, int eventsPerSecond, int seconds,
      LongFunction<String> event) {
    Tally tally = new Tally(1);
    return run(seconds + 60, tally, done -> {
      List<WebSocket> sockets = new ArrayList<>();
      List<ArrayDeque<Long>> sentAt = new ArrayList<>();
      AtomicLong next = new AtomicLong();
      List<Future<WebSocket>> connecting = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        connecting.add(webSockets.connect(streamOptions()));
      }
      Future.all(connecting).onFailure(done::tryFail).onSuccess(connected -> {
        long framesTotal = (long) eventsPerSecond * seconds / eventsPerFrame;
        AtomicLong framesSent = new AtomicLong();
        Runnable closeWhenAnswered = () -> {
          if (framesSent.get() >= framesTotal && sentAt.stream().allMatch(ArrayDeque::isEmpty)) {
            sockets.forEach(WebSocket::close);
            done.tryComplete();
          }
        };
        for (int c = 0; c < connections; c++) {
          WebSocket socket = connected.resultAt(c);
          ArrayDeque<Long> pending = new ArrayDeque<>();
          sockets.add(socket);
          sentAt.add(pending);
          socket.textMessageHandler(ack -> {
            Long due = pending.poll();
            if (due != null) {
              tally.answered(ack.contains("\"status\":202"), due);
            }
            closeWhenAnswered.run();
          });
        }
        long started = System.nanoTime();
        vertx.setPeriodic(1, timer -> {
          long elapsed = System.nanoTime() - started;
          long due = Math.min(framesTotal, elapsed * eventsPerSecond / eventsPerFrame / 1_000_000_000L);
          while (framesSent.get() < due) {
            long frame = framesSent.getAndIncrement();
            long dueAt = started + frame * eventsPerFrame * 1_000_000_000L / eventsPerSecond;
            int c = (int) (frame % connections);
            if (sentAt.get(c).size() + eventsPerFrame > window) {
              for (int i = 0; i < eventsPerFrame; i++) {
                tally.answered(false, dueAt);
              }
              continue;
            }
            sockets.get(c).writeTextMessage(frame(eventsPerFrame, event, next, sentAt.get(c), dueAt));
          }
          if (framesSent.get() >= framesTotal) {
            vertx.cancelTimer(timer);
            closeWhenAnswered.run();
          }
        });
      });
    });
  }

  private WebSocketConnectOptions streamOptions() {
    return new WebSocketConnectOptions().setHost(api.getHost()).setPort(api.getPort()).setURI("/v1/stream")
        .addHeader("Authorization", authorization);
  }

  /** A frame of the next {@code eventsPerFrame} events, each noted in {@code sentAt} as sent at {@code sentNanos}. */
  private static String frame(int eventsPerFrame, LongFunction<String> event, AtomicLong next, ArrayDeque<Long> sentAt,
      long sentNanos) {
    StringBuilder frame = new StringBuilder(eventsPerFrame * 450);
    for (int i = 0; i < eventsPerFrame; i++) {
      frame.append(event.apply(next.getAndIncrement())).append('\n');
      sentAt.add(sentNanos);
    }
    return frame.toString();
  }

  private Future<Void> post(String contentType, String body, Tally tally) {
    long sent = System.nanoTime();
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/events")
            .putHeader("Content-Type", contentType).putHeader("Authorization", authorization))
        .compose(request -> request.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(answer -> response.statusCode()))
        .andThen(answered -> tally.answered(answered.succeeded() && answered.result() == 202, sent))
        .mapEmpty();
  }

  /** Runs a phase on the generator's event loop and waits for it, at most {@code maxSeconds} and half a minute. */
  private Outcome run(int maxSeconds, Tally tally, Consumer<Promise<Void>> phase) {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    long started = System.nanoTime();
    vertx.runOnContext(start -> {
      Promise<Void> done = Promise.promise();
      done.future().onComplete(finished -> {
        if (finished.failed()) {
          outcome.completeExceptionally(finished.cause());
        } else {
          outcome.complete(tally.outcome((System.nanoTime() - started) / 1e9));
        }
      });
      phase.accept(done);
    });
    try {
      return outcome.get(maxSeconds + 30L, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("a load phase did not finish: " + e, e);
    }
  }

  @Override
  public void close() {
    vertx.close().await();
  }

  /** Counts answers; touched only on the generator's event loop. */
  private static final class Tally {
    private final int eventsPerAnswer;
    private final long startedNanos = System.nanoTime();
    private final Latencies all = new Latencies();
    private final List<Latencies> windows = new ArrayList<>();

    Tally(int eventsPerAnswer) {
      this.eventsPerAnswer = eventsPerAnswer;
    }

    void answered(boolean acknowledgedAnswer, long sentNanos) {
      long now = System.nanoTime();
      int window = (int) ((now - startedNanos) / (WINDOW_SECONDS * 1_000_000_000L));
      while (windows.size() <= window) {
        windows.add(new Latencies());
      }
      all.add(acknowledgedAnswer, eventsPerAnswer, (now - sentNanos) / 1_000);
      windows.get(window).add(acknowledgedAnswer, eventsPerAnswer, (now - sentNanos) / 1_000);
    }

    Outcome outcome(double seconds) {
      return all.outcome(seconds, windows.stream().map(window -> window.outcome(WINDOW_SECONDS, List.of())).toList());
    }
  }

  /** Acknowledged and refused events, and the acknowledgements' latencies in microseconds. */
  private static final class Latencies {
    private long acknowledged;
    private long refused;
    private long[] micros = new long[1 << 10];
    private int count;

    void add(boolean acknowledgedAnswer, int events, long latencyMicros) {
      if (!acknowledgedAnswer) {
        refused += events;
        return;
      }
      acknowledged += events;
      if (count == micros.length) {
        micros = Arrays.copyOf(micros, count * 2);
      }
      micros[count++] = latencyMicros;
    }

    Outcome outcome(double seconds, List<Outcome> windows) {
      long[] sorted = Arrays.copyOf(micros, count);
      Arrays.sort(sorted);
      return new Outcome(acknowledged, refused, seconds, sorted, windows);
    }
  }
}
