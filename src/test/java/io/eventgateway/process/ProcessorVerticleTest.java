package io.eventgateway.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.BusCodecs;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.config.ConfigLoader;
import io.eventgateway.kafka.CloudEventHeaders;
import io.eventgateway.schema.ConfluentWireFormat;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.eventgateway.schema.FieldError;
import io.eventgateway.schema.JsonToAvro;
import io.eventgateway.testing.Eventually;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ProcessorVerticle} alone over Kafka's {@link MockConsumer}, with the writer's address answered by the test:
 * offsets are committed only after the writer stored the batch.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("ProcessorVerticle")
class ProcessorVerticleTest {

  private final MockConsumer<String, byte[]> kafka =
      new MockConsumer<>(OffsetResetStrategy.EARLIEST);
  private final List<List<String>> persistRequests = new CopyOnWriteArrayList<>();
  private JsonObject config;
  private EventCatalog catalog;
  private TopicPartition partition;

  @BeforeEach
  void start(Vertx vertx) {
    BusCodecs.register(vertx);
    BusCodecs.registerLocal(vertx, EventCatalog.class);
    config = ConfigLoader.load("test", Map.of());
    AtomicInteger ids = new AtomicInteger();
    catalog = EventCatalog.load(config.getJsonObject("kafka").getJsonObject("topics"))
        .withSchemaIds(type -> ids.incrementAndGet());
    vertx.eventBus().consumer(Addresses.REGISTRY_CATALOG, message -> message.reply(catalog));
    partition = new TopicPartition(catalog.find("analytics.page_view").topic(), 0);
  }

  @Test
  @DisplayName(
      "while the writer is unavailable nothing is committed; once it stored the batch, its offsets are")
  void commitsOnlyAfterTheWrite(Vertx vertx, VertxTestContext test) {
    AtomicInteger unavailable = new AtomicInteger(2);
    List<Long> committedWhileDown = new CopyOnWriteArrayList<>();
    vertx.eventBus().<PersistBatch>consumer(Addresses.EVENTS_PERSIST, message -> {
      persistRequests.add(
          message.body().events().stream().map(PersistBatch.Event::eventId).toList());
      if (unavailable.getAndDecrement() > 0) {
        committedWhileDown.add(committed().orElse(-1L));
        message.fail(FailureCodes.UNAVAILABLE, "PostgreSQL is down");
      } else {
        message.reply(message.body().events().size());
      }
    });
    kafka.schedulePollTask(() -> {
      kafka.rebalance(List.of(partition));
      kafka.updateBeginningOffsets(Map.of(partition, 0L));
      for (int offset = 0; offset < 3; offset++) {
        kafka.addRecord(pageView(offset));
      }
    });
    deploy(vertx)
        .compose(deployed -> Eventually.until(vertx, () -> committed().orElse(0L) == 3))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(committedWhileDown).hasSize(2).containsOnly(-1L);
          assertThat(persistRequests)
              .hasSize(3)
              .allMatch(ids -> ids.equals(List.of("e-0", "e-1", "e-2")));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "a record that is no gateway event is dead-lettered, and committed only once the dead letter is written")
  void deadLettersBeforeCommitting(Vertx vertx, VertxTestContext test) {
    List<Long> committedAtDeadLetter = new ArrayList<>();
    vertx
        .eventBus()
        .<PersistBatch>consumer(
            Addresses.EVENTS_PERSIST,
            message -> message.reply(message.body().events().size()));
    vertx.eventBus().consumer(Addresses.DLQ_WRITE, message -> {
      committedAtDeadLetter.add(committed().orElse(-1L));
      message.reply(1);
    });
    kafka.schedulePollTask(() -> {
      kafka.rebalance(List.of(partition));
      kafka.updateBeginningOffsets(Map.of(partition, 0L));
      kafka.addRecord(pageView(0));
      kafka.addRecord(new ConsumerRecord<>(partition.topic(), 0, 1, "k", "not avro".getBytes()));
    });
    deploy(vertx)
        .compose(deployed -> Eventually.until(vertx, () -> committed().orElse(0L) == 2))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(committedAtDeadLetter).containsExactly(-1L);
          test.completeNow();
        })));
  }

  private Future<String> deploy(Vertx vertx) {
    return vertx.deployVerticle(
        new ProcessorVerticle(settings -> kafka), new DeploymentOptions().setConfig(config));
  }

  private Optional<Long> committed() {
    OffsetAndMetadata offset = kafka.committed(Set.of(partition)).get(partition);
    return Optional.ofNullable(offset).map(OffsetAndMetadata::offset);
  }

  private ConsumerRecord<String, byte[]> pageView(long offset) {
    EventType type = catalog.find("analytics.page_view");
    List<FieldError> errors = new ArrayList<>();
    var data = JsonToAvro.toRecord(
        type.schema(),
        new JsonObject()
            .put("user_id", "u-1")
            .put("session_id", "s-1")
            .put("url", "https://shop.example/"),
        "data",
        errors);
    assertThat(errors).isEmpty();
    Map<String, String> headers = new HashMap<>(Map.of(
        CloudEventHeaders.ID,
        "e-" + offset,
        CloudEventHeaders.SOURCE,
        "/test",
        CloudEventHeaders.TYPE,
        type.type()));
    RecordHeaders recordHeaders = new RecordHeaders();
    headers.forEach(
        (name, value) -> recordHeaders.add(name, value.getBytes(StandardCharsets.UTF_8)));
    return new ConsumerRecord<>(
        partition.topic(),
        0,
        offset,
        System.currentTimeMillis(),
        TimestampType.CREATE_TIME,
        0,
        0,
        "u-1",
        ConfluentWireFormat.encode(type.schemaId(), type.subjectSchema(), data),
        recordHeaders,
        Optional.empty());
  }
}
