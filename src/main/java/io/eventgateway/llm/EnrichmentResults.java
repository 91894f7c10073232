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
      List<String> disagreements,
      Integer promptNotesChars) {
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
        request.smiles(),
        promptNotesChars);
  }

  static Enrichment fallback(
      EnrichRequest request, AnswerKey key, MoleculeFacts facts, String reason) {
    return computedOnly(
        request, key, facts, Enrichment.FALLBACK, "LLM unavailable: " + reason, null);
  }

  /**
   * The model refused the input for its own sake: the computed facts, kept, and never asked for again; with how
   * much of the notes the refused prompt carried, when it cut them.
   */
  static Enrichment refused(
      EnrichRequest request,
      AnswerKey key,
      MoleculeFacts facts,
      String reason,
      Integer promptNotesChars) {
    return computedOnly(request, key, facts, Enrichment.REFUSED, reason, promptNotesChars);
  }

  private static Enrichment computedOnly(
      EnrichRequest request,
      AnswerKey key,
      MoleculeFacts facts,
      String source,
      String reason,
      Integer promptNotesChars) {
    count(source);
    String computed = facts.toJson().encode();
    return new Enrichment(
        request.event(),
        source,
        null,
        0,
        facts.canonicalSmiles(),
        computed,
        computed,
        null,
        false,
        null,
        reason,
        key.inputHash(),
        request.smiles(),
        promptNotesChars);
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
        request.smiles(),
        null);
  }

  private static void count(String source) {
    Metrics.counter("gateway.llm.enrichments", "source", source).increment();
  }
}
