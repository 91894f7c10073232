package io.eventgateway.llm;

import io.eventgateway.bus.EnrichRequest;

/**
 * What an LLM answer may be reused for within this process: the same molecule (canonical SMILES) submitted with the
 * same notes and measurements ({@link EnrichRequest#inputHash()}). A submission with other notes, another tenant's
 * say, is asked anew, so that no note changes the enrichment of a different submission.
 */
record AnswerKey(String canonicalSmiles, String inputHash) {

  static AnswerKey of(EnrichRequest request, MoleculeFacts facts) {
    return new AnswerKey(facts.canonicalSmiles(), request.inputHash());
  }
}
