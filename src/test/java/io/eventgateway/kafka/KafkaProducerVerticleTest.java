package io.eventgateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.BusCodecs;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.bus.ProduceBatch;
import io.eventgateway.bus.ProduceResult;
import io.eventgateway.config.ConfigLoader;
import io.eventgateway.testing.Eventually;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link KafkaProducerVerticle} alone, over Kafka's own {@link MockProducer}, completed by hand. */
@ExtendWith(VertxExtension.class)
@DisplayName("KafkaProducerVerticle")
class KafkaProducerVerticleTest {

  private static final String TOPIC = "events.analytics";
  private static final int RECORD_BYTES = 100;

  private MockProducer<String, byte[]> kafka;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    BusCodecs.register(vertx);
    kafka = new MockProducer<>(false, new StringSerializer(), new ByteArraySerializer());
    JsonObject config = ConfigLoader.load("test", Map.of());
    config
        .getJsonObject("kafka")
        .put("maxInFlightBytes", 5 * RECORD_BYTES)
        .put("topics", new JsonObject().put("analytics", TOPIC));
    vertx
        .deployVerticle(
            new KafkaProducerVerticle(settings -> kafka), new DeploymentOptions().setConfig(config))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName(
      "answers a batch only once Kafka acknowledged every record, with each one's partition and offset")
  void answersAfterEveryAcknowledgement(Vertx vertx, VertxTestContext test) {
    Future<Message<ProduceResult>> answer = produce(vertx, 3);
    awaitSent(vertx, 3)
        .compose(sent -> {
          kafka.completeNext();
          kafka.completeNext();
          // two of three acknowledged: no answer yet
          return vertx.timer(100);
        })
        .compose(waited -> {
          test.verify(() -> assertThat(answer.isComplete()).isFalse());
          kafka.completeNext();
          return answer;
        })
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          List<ProduceResult.Outcome> outcomes = reply.body().outcomes();
          assertThat(outcomes).hasSize(3).allMatch(ProduceResult.Outcome::succeeded);
          assertThat(outcomes)
              .extracting(ProduceResult.Outcome::offset)
              .containsExactly(0L, 1L, 2L);
          assertThat(outcomes).extracting(ProduceResult.Outcome::topic).containsOnly(TOPIC);
          assertThat(kafka.history().get(0).headers().lastHeader("ce_id").value())
              .isEqualTo("id-0".getBytes(StandardCharsets.UTF_8));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a record Kafka refuses is a failed outcome naming the error; the others are stored")
  void refusedRecord(Vertx vertx, VertxTestContext test) {
    Future<Message<ProduceResult>> answer = produce(vertx, 2);
    awaitSent(vertx, 2)
        .compose(sent -> {
          kafka.completeNext();
          kafka.errorNext(new RecordTooLargeException("too large"));
          return answer;
        })
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          List<ProduceResult.Outcome> outcomes = reply.body().outcomes();
          assertThat(outcomes.get(0).succeeded()).isTrue();
          assertThat(outcomes.get(1).error())
              .contains("RecordTooLargeException")
              .contains("too large");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "beyond kafka.maxInFlightBytes a batch is refused at once with 429, and accepted again once acknowledged")
  void inFlightBudget(Vertx vertx, VertxTestContext test) {
    Future<Message<ProduceResult>> first = produce(vertx, 4);
    awaitSent(vertx, 4)
        .compose(sent -> produce(vertx, 4))
        .onComplete(test.failing(refused -> test.verify(() -> {
          assertThat(refused).isInstanceOf(ReplyException.class);
          assertThat(((ReplyException) refused).failureCode()).isEqualTo(FailureCodes.OVERLOADED);
          assertThat(refused.getMessage()).contains("in flight");
          assertThat(kafka.history()).hasSize(4);
          IntStream.range(0, 4).forEach(i -> kafka.completeNext());
          first
              .compose(acknowledged -> {
                Future<Message<ProduceResult>> again = produce(vertx, 4);
                return awaitSent(vertx, 8).map(sentAgain -> again);
              })
              .compose(again -> {
                IntStream.range(0, 4).forEach(i -> kafka.completeNext());
                return again;
              })
              .onComplete(test.succeeding(reply -> test.verify(() -> {
                assertThat(reply.body().outcomes()).allMatch(ProduceResult.Outcome::succeeded);
                test.completeNow();
              })));
        })));
  }

  @Test
  @DisplayName(
      "an asynchronous batch is answered once handed over; the producer records each outcome, then tells the requester")
  void asynchronousBatch(Vertx vertx, VertxTestContext test) {
    List<JsonObject> recorded = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.STATUS_RECORD, message -> {
      message.body().getJsonArray("statuses").forEach(row -> recorded.add((JsonObject) row));
      message.reply(recorded.size());
    });
    List<Message<ProduceResult>> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.vertx.core.Promise<Void> outcomes = io.vertx.core.Promise.promise();
    vertx.eventBus().<ProduceResult>localConsumer("test.outcomes", message -> {
      told.add(message);
      if (told.size() == 2) {
        outcomes.complete();
      }
    });
    List<ProduceBatch.Record> batch = IntStream.range(0, 2)
        .mapToObj(i -> new ProduceBatch.Record(
            TOPIC,
            "user-" + i,
            Map.of("ce_id", "id-" + i, "ce_source", "/shop", "gw_tenant", "shop"),
            new byte[RECORD_BYTES - 20],
            1L))
        .toList();
    vertx
        .eventBus()
        .<ProduceResult>request(Addresses.EVENTS_PRODUCE, new ProduceBatch(batch, "test.outcomes"))
        .compose(handed -> {
          test.verify(() -> {
            assertThat(handed.body().outcomes()).as("answered before Kafka").isEmpty();
            assertThat(kafka.history()).hasSize(2);
          });
          kafka.completeNext();
          kafka.errorNext(new RecordTooLargeException("too large"));
          return outcomes.future();
        })
        .onComplete(test.succeeding(both -> test.verify(() -> {
          assertThat(told)
              .extracting(message -> message.headers().get(KafkaProducerVerticle.STAGE))
              .containsExactly(KafkaProducerVerticle.ACKNOWLEDGED, KafkaProducerVerticle.RECORDED);
          assertThat(told.get(0).body().outcomes()).hasSize(2);
          assertThat(recorded)
              .extracting(row -> row.getString("id") + " " + row.getString("status"))
              .containsExactly("id-0 durable", "id-1 failed");
          assertThat(recorded.get(0).getString("tenant")).isEqualTo("shop");
          assertThat(recorded.get(1).getString("reason")).contains("too large");
          test.completeNow();
        })));
  }

  private static Future<Message<ProduceResult>> produce(Vertx vertx, int records) {
    List<ProduceBatch.Record> batch = IntStream.range(0, records)
        .mapToObj(i -> new ProduceBatch.Record(
            TOPIC, "user-" + i, Map.of("ce_id", "id-" + i), new byte[RECORD_BYTES - 20], 1L))
        .toList();
    return vertx.eventBus().request(Addresses.EVENTS_PRODUCE, new ProduceBatch(batch));
  }

  /** Until the producer holds {@code count} records (the first batch of a topic is handed over on a worker). */
  private Future<Void> awaitSent(Vertx vertx, int count) {
    return Eventually.until(vertx, () -> kafka.history().size() >= count);
  }
}
