package io.eventgateway.kafka;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.bus.ProduceBatch;
import io.eventgateway.bus.ProduceResult;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.KafkaConfig;
import io.eventgateway.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the Kafka producer (acks=all, idempotent): opens it, makes the process's {@link RecordSender}, through which
 * the ingest of every event loop sends on its own thread, and serves {@link Addresses#EVENTS_PRODUCE} for the rest
 * (alerts, asynchronous accept): it replies once Kafka acknowledged or failed every record of the batch, so a 2xx
 * upstream means durable; a batch accepted asynchronously is answered once handed over, and its outcomes follow to
 * the address it names.
 *
 * <p>Uses Kafka's own thread-safe producer rather than vertx-kafka-client's wrapper, which hops to a worker
 * thread per record. A batch that does not fit in the in-flight budget is refused with
 * {@link FailureCodes#OVERLOADED}.
 */
@ConfigSections("kafka")
public class KafkaProducerVerticle extends VerticleBase {

  /**
   * What an asynchronous batch's requester is told, in this header, in order: {@link #ACKNOWLEDGED} with Kafka's
   * outcomes, then {@link #RECORDED} once their statuses are in PostgreSQL, or {@link #UNRECORDED} when they could
   * not be put there (only the requester can tell them then).
   */
  public static final String STAGE = "stage";

  public static final String ACKNOWLEDGED = "acknowledged";
  public static final String RECORDED = "recorded";
  public static final String UNRECORDED = "unrecorded";

  /** Events Kafka acknowledged, per tenant (counted where a request's outcomes are read, one tenant a request). */
  public static final String TENANT_ACCEPTED = "gateway.tenant.events.accepted";

  private static final Logger LOG = LoggerFactory.getLogger(KafkaProducerVerticle.class);

  private final ProducerFactory producers;
  private RecordSender sender;

  /** Opens the producer from the {@code kafka} configuration section, on a worker thread. */
  @FunctionalInterface
  public interface ProducerFactory {
    Producer<String, byte[]> open(KafkaConfig kafka) throws Exception;
  }

  /** Deployed by name: a real producer, after the topics are made sure of. */
  public KafkaProducerVerticle() {
    this(kafka -> {
      KafkaTopics.ensure(kafka);
      return new KafkaProducer<>(
          KafkaSettings.producer(kafka), new StringSerializer(), new ByteArraySerializer());
    });
  }

  /** With the producer {@code producers} opens (a test's {@code MockProducer}). */
  public KafkaProducerVerticle(ProducerFactory producers) {
    this.producers = producers;
  }

  @Override
  public Future<?> start() {
    KafkaConfig kafka = KafkaConfig.of(config().getJsonObject("kafka"));
    ProduceSpans spans = new ProduceSpans(Tracing.of(vertx));
    return vertx
        .executeBlocking(() -> {
          sender = new RecordSender(vertx, producers.open(kafka), kafka, spans);
          LOG.info("Kafka producer connected to {}", kafka.bootstrapServers());
          return null;
        })
        .compose(ready -> vertx
            .eventBus()
            .<ProduceBatch>consumer(Addresses.EVENTS_PRODUCE, this::produce)
            .completion())
        // published last: ingest uses the sender only once the verticle is all there, and stop()
        // closes it
        .onSuccess(serving -> sender.publish())
        .onFailure(failed -> {
          if (sender != null) {
            vertx.executeBlocking(() -> {
              sender.close();
              return null;
            });
          }
        });
  }

  private void produce(Message<ProduceBatch> message) {
    List<ProduceBatch.Record> records = message.body().records();
    String outcomesAddress = message.body().outcomesAddress();
    // answered from Kafka's I/O thread: the event bus delivers the reply on the requester's own
    // event loop
    RecordSender.Sending sending = sender.sendCompletingOnKafkaThread(records);
    if (outcomesAddress == null) {
      sending.acknowledged().onComplete(message::reply, error -> fail(message, error));
      return;
    }
    // an asynchronous batch is answered once every record is in the producer's hands (or refused)
    sending
        .handedOver()
        .onComplete(
            handedOver -> message.reply(new ProduceResult(List.of())),
            error -> fail(message, error));
    sending.acknowledged().onSuccess(result -> {
      vertx.eventBus().send(outcomesAddress, result, stage(ACKNOWLEDGED));
      // recorded here, not by the requester: its verticle may be gone (shutdown) by now
      AcceptStatusRecords.record(vertx, AcceptStatusRecords.outcomes(records, result))
          .onComplete(recorded -> vertx
              .eventBus()
              .send(
                  outcomesAddress,
                  new ProduceResult(List.of()),
                  stage(recorded.succeeded() ? RECORDED : UNRECORDED)));
    });
  }

  private static void fail(Message<ProduceBatch> message, Throwable error) {
    if (error instanceof ReplyException refused) {
      message.fail(refused.failureCode(), refused.getMessage());
    } else {
      message.fail(FailureCodes.INTERNAL, error.toString());
    }
  }

  private static DeliveryOptions stage(String stage) {
    return new DeliveryOptions().addHeader(STAGE, stage);
  }

  @Override
  public Future<?> stop() {
    if (sender == null) {
      return Future.succeededFuture();
    }
    sender.withdraw();
    return vertx.executeBlocking(() -> {
      sender.close();
      return null;
    });
  }
}
