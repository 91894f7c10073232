package io.eventgateway.process;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.EnrichRequest;
import io.eventgateway.bus.EnrichRequestBatch;
import io.eventgateway.bus.Enrichment;
import io.eventgateway.bus.EnrichmentBatch;
import io.eventgateway.bus.EventKey;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.EnrichmentConfig;
import io.eventgateway.config.KafkaConfig;
import io.eventgateway.config.ProcessorConfig;
import io.eventgateway.kafka.DecodingConsumer;
import io.eventgateway.kafka.KafkaSettings;
import io.eventgateway.kafka.Polling;
import io.eventgateway.kafka.ProcessingFailure;
import io.eventgateway.schema.EventCatalog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  private PersistRetry backfillStore;
  private DeliveryOptions enrichOptions;
  private int backfillBatchSize;
  private int maxAttempts;
  private boolean backfillRunning;

  @Override
  public Future<?> start() {
    EnrichmentConfig enrichment = EnrichmentConfig.of(config().getJsonObject("enrichment"));
    ProcessorConfig processor = ProcessorConfig.of(config().getJsonObject("processor"));
    KafkaConfig kafka = KafkaConfig.of(config().getJsonObject("kafka"));
    Properties settings = KafkaSettings.consumer(kafka);
    String group = kafka.groupId() + enrichment.groupSuffix();
    settings.put("group.id", group);
    settings.put("max.poll.records", String.valueOf(enrichment.maxPollRecords()));
    String topic = kafka.topics().get("chemistry");
    enrichOptions = new DeliveryOptions().setSendTimeout(enrichment.requestTimeoutMs());
    backfillBatchSize = enrichment.backfillBatchSize();
    maxAttempts = processor.maxAttempts();
    return vertx
        .eventBus()
        .<EventCatalog>request(Addresses.REGISTRY_CATALOG, null)
        .compose(reply -> {
          consumer = new DecodingConsumer(
              vertx,
              settings,
              reply.body(),
              Polling.withoutLinger(Duration.ofMillis(processor.pollTimeoutMs())),
              (batch, advance) -> enrich(batch),
              DecodingConsumer.Role.FOLLOWING);
          store = new PersistRetry(vertx, processor, consumer::stopping, consumer::retrying);
          backfillStore = new PersistRetry(vertx, processor, consumer::stopping, retry -> {});
          vertx.eventBus().<String>consumer(Addresses.LLM_CIRCUIT, state -> {
            if ("CLOSED".equals(state.body())) {
              backfill();
            }
          });
          vertx.setPeriodic(enrichment.backfillIntervalMs(), timer -> backfill());
          return consumer.start(Set.of(topic));
        })
        .onSuccess(started -> LOG.info("Enriching {} as group {}", topic, group));
  }

  /**
   * Enriches and stores the batch's molecules; enrichments the store refuses for their own fault are narrowed
   * down, skipped and logged (this group does not dead-letter: the processing group does, for the same records).
   */
  private Future<List<ProcessingFailure>> enrich(List<PersistBatch.Event> events) {
    Map<EventKey, PersistBatch.Event> molecules = new HashMap<>();
    List<EnrichRequest> requests = new ArrayList<>(events.size());
    for (PersistBatch.Event event : events) {
      if (MOLECULE_TYPE.equals(event.eventType())) {
        molecules.put(event.key(), event);
        requests.add(
            EnrichRequest.ofMolecule(event.key(), new JsonObject(event.dataJson()), false));
      }
    }
    if (requests.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Instant started = Instant.now();
    return withStoredAnswers(requests)
        .compose(asked -> Future.all(asked.stream().map(this::askLlm).toList()))
        .compose(all -> storeNarrowed(store, all.list()))
        .map(refused -> refused.stream()
            .map(alone -> ProcessingFailure.refused(
                molecules.get(alone.item().event()),
                alone.error().getMessage(),
                PersistRetry.attemptsOf(alone.error(), maxAttempts),
                started))
            .toList());
  }

  private static Future<List<Narrowing.Refused<Enrichment>>> storeNarrowed(
      PersistRetry store, List<Enrichment> enrichments) {
    return Narrowing.store(
        enrichments,
        batch -> store.request(Addresses.ENRICHMENTS_PERSIST, new EnrichmentBatch(batch)));
  }

  private Future<Enrichment> askLlm(EnrichRequest request) {
    return vertx
        .eventBus()
        .<Enrichment>request(Addresses.LLM_ENRICH, request, enrichOptions)
        .map(reply -> reply.body());
  }

  /**
   * The requests, each with the LLM answer stored earlier for its tenant, SMILES and inputs when there is one (answered
   * before a restart, or by another node), found with one query for the batch. Without the database the LLM is
   * simply asked: a stored answer saves a call, it is not needed for one.
   */
  private Future<List<EnrichRequest>> withStoredAnswers(List<EnrichRequest> requests) {
    JsonArray keys = new JsonArray();
    requests.forEach(request -> keys.add(key(request)));
    return vertx
        .eventBus()
        .<JsonArray>request(Addresses.ENRICHMENTS_STORED, keys)
        .map(reply -> {
          Map<JsonObject, JsonObject> stored = new HashMap<>();
          reply.body().forEach(entry -> {
            JsonObject found = (JsonObject) entry;
            stored.put(
                key(
                    found.getString("tenant"),
                    found.getString("smiles"),
                    found.getString("inputHash")),
                found.getJsonObject("answer"));
          });
          return requests.stream()
              .map(request -> {
                JsonObject answer = stored.get(key(request));
                return answer == null ? request : request.withStoredAnswer(answer);
              })
              .toList();
        })
        .otherwise(unavailable -> {
          LOG.warn(
              "Stored LLM answers not looked up, the LLM is asked: {}", unavailable.getMessage());
          return requests;
        });
  }

  private static JsonObject key(EnrichRequest request) {
    return key(request.event().tenant(), request.smiles(), request.inputHash());
  }

  /** Answers are reused within a tenant only: another's would tell it that someone submitted the compound. */
  private static JsonObject key(String tenant, String smiles, String inputHash) {
    return new JsonObject().put("tenant", tenant).put("smiles", smiles).put("inputHash", inputHash);
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
    return withStoredAnswers(pending).compose(this::askAgainAndStore);
  }

  private Future<Boolean> askAgainAndStore(List<EnrichRequest> pending) {
    List<Future<Enrichment>> answers = pending.stream().map(this::askLlm).toList();
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
      return storeNarrowed(backfillStore, enriched).map(refused -> {
        if (!refused.isEmpty()) {
          LOG.warn("Backfill: the store refused {} enrichments, left as they were", refused.size());
        }
        return enriched.size() == pending.size() && pending.size() == backfillBatchSize;
      });
    });
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.stop();
  }
}
