package io.eventgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.BusCodecs;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.bus.ProduceBatch;
import io.eventgateway.bus.ProduceResult;
import io.eventgateway.config.ConfigLoader;
import io.eventgateway.kafka.GatewayHeaders;
import io.eventgateway.kafka.KafkaProducerVerticle;
import io.eventgateway.testing.Eventually;
import io.vertx.core.CompositeFuture;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link EventProducer} alone, the producer's address answered by the test: what requests of one event-loop turn
 * send, and what each of them gets back.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("EventProducer")
class EventProducerTest {

  /** The records of each produce request the producer received. */
  private final List<List<String>> produceRequests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void register(Vertx vertx) {
    BusCodecs.register(vertx);
  }

  @Test
  @DisplayName(
      "requests of one turn share one produce request; each gets its own outcomes, a refused event its own error")
  void requestsOfOneTurnShareAProduceRequest(Vertx vertx, VertxTestContext test) {
    answerEachRecord(vertx, key -> key.equals("b-1") ? null : 7L);
    onEventLoop(vertx, () -> {
          EventProducer producer = new EventProducer(vertx, 5_000);
          return Future.all(
              producer.produce(events("a", 1)),
              producer.produce(events("b", 2)),
              producer.produce(events("c", 1)));
        })
        .onComplete(test.succeeding(all -> test.verify(() -> {
          assertThat(produceRequests).containsExactly(List.of("a-0", "b-0", "b-1", "c-0"));
          List<EventResult> a = all.resultAt(0);
          List<EventResult> b = all.resultAt(1);
          List<EventResult> c = all.resultAt(2);
          assertThat(a).singleElement().isEqualTo(acknowledged("a", 0));
          assertThat(b.get(0)).isEqualTo(acknowledged("b", 0));
          assertThat(b.get(1)).isInstanceOfSatisfying(EventError.class, refused -> {
            assertThat(refused.index()).isEqualTo(1);
            assertThat(refused.id()).isEqualTo("b-1");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.errors().get(0).reason()).contains("not leader");
          });
          assertThat(c).singleElement().isEqualTo(acknowledged("c", 0));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "a turn's produce request holds at most MAX_GATHERED_EVENTS events; the rest go in the next")
  void aTurnsProduceRequestIsBounded(Vertx vertx, VertxTestContext test) {
    answerEachRecord(vertx, key -> 1L);
    int requests = EventProducer.MAX_GATHERED_EVENTS / 100 + 1;
    onEventLoop(vertx, () -> {
          EventProducer producer = new EventProducer(vertx, 5_000);
          List<Future<List<EventResult>>> all = new ArrayList<>();
          IntStream.range(0, requests)
              .forEach(request -> all.add(producer.produce(events("r" + request, 100))));
          return Future.all(all);
        })
        .onComplete(test.succeeding(all -> test.verify(() -> {
          assertThat(produceRequests)
              .extracting(List::size)
              .containsExactly(EventProducer.MAX_GATHERED_EVENTS, 100);
          assertThat(all.<List<EventResult>>list())
              .allSatisfy(results -> assertThat(results)
                  .hasSize(100)
                  .allMatch(result -> result instanceof EventResult.Acknowledged));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "a produce request refused as a whole (overloaded) fails every request that shared it")
  void aRefusedProduceRequestFailsEveryRequestInIt(Vertx vertx, VertxTestContext test) {
    vertx.eventBus().<ProduceBatch>consumer(Addresses.EVENTS_PRODUCE, message -> {
      produceRequests.add(keys(message.body()));
      message.fail(FailureCodes.OVERLOADED, "the producer has 1 bytes in flight");
    });
    onEventLoop(vertx, () -> {
          EventProducer producer = new EventProducer(vertx, 5_000);
          return Future.join(producer.produce(events("a", 1)), producer.produce(events("b", 1)));
        })
        .onComplete(test.failing(error -> test.verify(() -> {
          assertThat(produceRequests).hasSize(1);
          assertThat(error)
              .isInstanceOfSatisfying(
                  ReplyException.class,
                  refused -> assertThat(refused.failureCode()).isEqualTo(FailureCodes.OVERLOADED));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "with the producer in this process, a turn's requests are sent to Kafka on the caller's own event loop, and"
          + " every outcome comes back to it, a refused event its own error")
  void inProcessProducerSendsOnTheCallersLoop(Vertx vertx, VertxTestContext test) {
    List<String> sendingThreads = new CopyOnWriteArrayList<>();
    MockProducer<String, byte[]> kafka =
        new MockProducer<>(false, new StringSerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized java.util.concurrent.Future<RecordMetadata> send(
              ProducerRecord<String, byte[]> record, Callback callback) {
            sendingThreads.add(Thread.currentThread().getName());
            return super.send(record, callback);
          }
        };
    List<String> callers = new CopyOnWriteArrayList<>();
    List<String> answeredOn = new CopyOnWriteArrayList<>();
    deployProducer(vertx, kafka)
        // a topic's first batch is sent from a worker while the producer fetches its metadata
        .compose(deployed -> {
          Future<List<EventResult>> warm =
              onEventLoop(vertx, () -> new EventProducer(vertx, 5_000).produce(events("w", 1)));
          return Eventually.until(vertx, () -> kafka.history().size() == 1).compose(sent -> {
            kafka.completeNext();
            return warm;
          });
        })
        .compose(warm -> {
          sendingThreads.clear();
          Future<CompositeFuture> turn = onEventLoop(vertx, () -> {
            callers.add(Thread.currentThread().getName());
            EventProducer producer = new EventProducer(vertx, 5_000);
            return Future.all(
                    producer.produce(events("a", 1)),
                    producer.produce(events("b", 2)),
                    producer.produce(events("c", 1)))
                .andThen(answered -> answeredOn.add(Thread.currentThread().getName()));
          });
          return Eventually.until(vertx, () -> kafka.history().size() == 5).compose(sent -> {
            // Kafka answers on a thread of its own, as its producer's I/O thread does
            new Thread(
                    () -> {
                      kafka.completeNext();
                      kafka.completeNext();
                      kafka.errorNext(new NotLeaderOrFollowerException("not leader"));
                      kafka.completeNext();
                    },
                    "kafka-producer-network-thread")
                .start();
            return turn;
          });
        })
        .onComplete(test.succeeding(all -> test.verify(() -> {
          assertThat(callers.get(0)).startsWith("vert.x-eventloop-thread-");
          assertThat(sendingThreads).hasSize(4).containsOnly(callers.get(0));
          assertThat(answeredOn).containsExactly(callers.get(0));
          List<EventResult> b = all.resultAt(1);
          assertThat(all.<List<EventResult>>resultAt(0).get(0))
              .isInstanceOf(EventResult.Acknowledged.class);
          assertThat(b.get(0)).isInstanceOf(EventResult.Acknowledged.class);
          assertThat(b.get(1)).isInstanceOfSatisfying(EventError.class, refused -> {
            assertThat(refused.id()).isEqualTo("b-1");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.errors().get(0).reason()).contains("not leader");
          });
          assertThat(all.<List<EventResult>>resultAt(2).get(0))
              .isInstanceOf(EventResult.Acknowledged.class);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "with the producer in this process, Kafka's silence past the produce timeout is a 504, as over the bus")
  void inProcessProducerTimesOut(Vertx vertx, VertxTestContext test) {
    MockProducer<String, byte[]> kafka =
        new MockProducer<>(false, new StringSerializer(), new ByteArraySerializer());
    deployProducer(vertx, kafka)
        .compose(deployed ->
            onEventLoop(vertx, () -> new EventProducer(vertx, 300).produce(events("a", 1))))
        .onComplete(test.failing(error -> test.verify(() -> {
          assertThat(kafka.history()).hasSize(1);
          assertThat(Problem.statusOf(error)).isEqualTo(FailureCodes.TIMEOUT);
          test.completeNow();
        })));
  }

  private static Future<String> deployProducer(Vertx vertx, MockProducer<String, byte[]> kafka) {
    JsonObject config = ConfigLoader.load("test", Map.of());
    config
        .getJsonObject("kafka")
        .put("topics", new JsonObject().put("analytics", "events.analytics"));
    return vertx.deployVerticle(
        new KafkaProducerVerticle(settings -> kafka), new DeploymentOptions().setConfig(config));
  }

  /**
   * Answers each record by its key: the offset {@code offsets} gives, or, for {@code null}, Kafka's refusal of it
   * alone.
   */
  private void answerEachRecord(Vertx vertx, java.util.function.Function<String, Long> offsets) {
    vertx.eventBus().<ProduceBatch>consumer(Addresses.EVENTS_PRODUCE, message -> {
      produceRequests.add(keys(message.body()));
      message.reply(new ProduceResult(message.body().records().stream()
          .map(record -> offsets.apply(record.key()) == null
              ? ProduceResult.Outcome.failed(
                  record.topic(), "NotLeaderOrFollowerException: not leader")
              : ProduceResult.Outcome.stored(record.topic(), 0, offsets.apply(record.key())))
          .toList()));
    });
  }

  private static <T> Future<T> onEventLoop(
      Vertx vertx, java.util.function.Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    vertx.runOnContext(onLoop -> work.get().onComplete(done));
    return done.future();
  }

  private static List<String> keys(ProduceBatch batch) {
    return batch.records().stream().map(ProduceBatch.Record::key).toList();
  }

  /** {@code count} events of one request, keyed and identified {@code prefix-i}. */
  private static List<EventValidator.Accepted> events(String prefix, int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> new EventValidator.Accepted(
            i,
            prefix + "-" + i,
            new ProduceBatch.Record(
                "events.analytics",
                prefix + "-" + i,
                Map.of(GatewayHeaders.TENANT, "default"),
                new byte[] {1},
                0L)))
        .toList();
  }

  private static EventResult acknowledged(String prefix, int index) {
    return new EventResult.Acknowledged(index, prefix + "-" + index, "events.analytics", 0, 7L);
  }
}
