package io.eventgateway.process;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.EnrichRequest;
import io.eventgateway.bus.EnrichRequestBatch;
import io.eventgateway.bus.Enrichment;
import io.eventgateway.bus.EnrichmentBatch;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.KafkaConfig;
import io.eventgateway.kafka.DecodingConsumer;
import io.eventgateway.kafka.KafkaSettings;
import io.eventgateway.kafka.ProcessingFailure;
import io.eventgateway.schema.EventCatalog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enriches chemistry events in a consumer group of its own, so that a slow or dead LLM never holds back the
 * processing of the other families or their offset commits: each batch of molecules is enriched (LLM, cache or
 * fallback) and stored before its offsets are committed. A bounded backfill re-enriches fallback rows with the
 * LLM whenever the circuit closes, and periodically.
 */
@ConfigSections({"enrichment", "kafka", "processor"})
public class EnrichmentVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EnrichmentVerticle.class);
  private static final String MOLECULE_TYPE = "chemistry.molecule_submitted";

  private DecodingConsumer consumer;
  private PersistRetry store;
  private DeliveryOptions enrichOptions;
  private int backfillBatchSize;
  private boolean backfillRunning;

  @Override
  public Future<?> start() {
    JsonObject enrichment = config().getJsonObject("enrichment");
    KafkaConfig kafka = KafkaConfig.of(config().getJsonObject("kafka"));
    Properties settings = KafkaSettings.consumer(kafka);
    String group = kafka.groupId() + enrichment.getString("groupSuffix");
    settings.put("group.id", group);
    settings.put("max.poll.records", String.valueOf(enrichment.getInteger("maxPollRecords")));
    String topic = kafka.topics().get("chemistry");
    enrichOptions = new DeliveryOptions().setSendTimeout(enrichment.getLong("requestTimeoutMs"));
    backfillBatchSize = enrichment.getInteger("backfillBatchSize");
    return vertx
        .eventBus()
        .<EventCatalog>request(Addresses.REGISTRY_CATALOG, null)
        .compose(reply -> {
          consumer = new DecodingConsumer(
              vertx,
              settings,
              reply.body(),
              Duration.ofMillis(config().getJsonObject("processor").getInteger("pollTimeoutMs")),
              this::enrich,
              false);
          store = new PersistRetry(vertx, config().getJsonObject("processor"), consumer::stopping);
          vertx.eventBus().<String>consumer(Addresses.LLM_CIRCUIT, state -> {
            if ("CLOSED".equals(state.body())) {
              backfill();
            }
          });
          vertx.setPeriodic(enrichment.getLong("backfillIntervalMs"), timer -> backfill());
          return consumer.start(Set.of(topic));
        })
        .onSuccess(started -> LOG.info("Enriching {} as group {}", topic, group));
  }

  private Future<List<ProcessingFailure>> enrich(List<PersistBatch.Event> events) {
    List<Future<Enrichment>> enrichments = new ArrayList<>(events.size());
    for (PersistBatch.Event event : events) {
      if (MOLECULE_TYPE.equals(event.eventType())) {
        EnrichRequest request =
            EnrichRequest.ofMolecule(event.key(), new JsonObject(event.dataJson()), false);
        enrichments.add(vertx
            .eventBus()
            .<Enrichment>request(Addresses.LLM_ENRICH, request, enrichOptions)
            .map(reply -> reply.body()));
      }
    }
    if (enrichments.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return Future.all(enrichments)
        .compose(
            all -> store.request(Addresses.ENRICHMENTS_PERSIST, new EnrichmentBatch(all.list())))
        .map(stored -> List.of());
  }

  /** One bounded round at a time: up to a batch of fallback rows, asked of the LLM only. */
  private void backfill() {
    if (backfillRunning || consumer.stopping()) {
      return;
    }
    backfillRunning = true;
    vertx
        .eventBus()
        .<EnrichRequestBatch>request(Addresses.ENRICHMENTS_PENDING, backfillBatchSize)
        .compose(reply -> reenrich(reply.body().requests()))
        .onComplete(round -> {
          backfillRunning = false;
          if (round.succeeded() && round.result()) {
            vertx.runOnContext(next -> backfill());
          }
        });
  }

  /** @return whether another round may find more: a full batch came back and every molecule got an LLM answer */
  private Future<Boolean> reenrich(List<EnrichRequest> pending) {
    if (pending.isEmpty()) {
      return Future.succeededFuture(false);
    }
    List<Future<Enrichment>> answers = pending.stream()
        .map(request -> vertx
            .eventBus()
            .<Enrichment>request(Addresses.LLM_ENRICH, request, enrichOptions)
            .map(reply -> reply.body()))
        .toList();
    return Future.join(answers).transform(done -> {
      List<Enrichment> enriched =
          answers.stream().filter(Future::succeeded).map(Future::result).toList();
      LOG.info(
          "Backfill: {} of {} fallback enrichments re-enriched by the LLM",
          enriched.size(),
          pending.size());
      if (enriched.isEmpty()) {
        return Future.succeededFuture(false);
      }
      return store
          .<Integer>request(Addresses.ENRICHMENTS_PERSIST, new EnrichmentBatch(enriched))
          .map(stored -> enriched.size() == pending.size() && pending.size() == backfillBatchSize);
    });
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.stop();
  }
}
