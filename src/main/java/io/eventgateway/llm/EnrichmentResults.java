package io.eventgateway.llm;

import io.eventgateway.bus.EnrichRequest;
import io.eventgateway.bus.Enrichment;
import io.micrometer.core.instrument.Metrics;
import java.util.List;

/** Builds the {@link Enrichment} records the LLM verticle replies with, and counts them by source. */
final class EnrichmentResults {

  private EnrichmentResults() {}

  static Enrichment fromAnswer(
      EnrichRequest request,
      AnswerKey key,
      MoleculeFacts facts,
      LlmAnswer answer,
      String source,
      long latencyMs,
      List<String> disagreements) {
    count(source);
    return new Enrichment(
        request.event(),
        source,
        answer.model(),
        latencyMs,
        facts.canonicalSmiles(),
        answer.properties().encode(),
        facts.toJson().encode(),
        answer.raw(),
        !disagreements.isEmpty(),
        disagreements.isEmpty() ? null : String.join("; ", disagreements),
        null,
        key.inputHash(),
        request.smiles());
  }

  static Enrichment fallback(
      EnrichRequest request, AnswerKey key, MoleculeFacts facts, String reason) {
    count(Enrichment.FALLBACK);
    String computed = facts.toJson().encode();
    return new Enrichment(
        request.event(),
        Enrichment.FALLBACK,
        null,
        0,
        facts.canonicalSmiles(),
        computed,
        computed,
        null,
        false,
        null,
        "LLM unavailable: " + reason,
        key.inputHash(),
        request.smiles());
  }

  static Enrichment invalid(EnrichRequest request, String reason) {
    count(Enrichment.ERROR);
    return new Enrichment(
        request.event(),
        Enrichment.ERROR,
        null,
        0,
        null,
        null,
        null,
        null,
        false,
        null,
        reason,
        null,
        request.smiles());
  }

  private static void count(String source) {
    Metrics.counter("gateway.llm.enrichments", "source", source).increment();
  }
}
