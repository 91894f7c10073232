package io.eventgateway.llm;

import io.eventgateway.bus.EnrichRequest;

/**
 * What an LLM answer may be reused for within this process: the same tenant's same molecule (canonical SMILES)
 * submitted with the same notes and measurements ({@link EnrichRequest#inputHash()}). A submission with other notes
 * is asked anew, so that no note changes the enrichment of a different submission; another tenant's always is, so
 * that an answer served from the cache never tells a tenant that someone else submitted the compound.
 */
record AnswerKey(String tenant, String canonicalSmiles, String inputHash) {

  static AnswerKey of(EnrichRequest request, MoleculeFacts facts) {
    return new AnswerKey(request.event().tenant(), facts.canonicalSmiles(), request.inputHash());
  }
}
