package io.eventgateway.llm;

import io.eventgateway.bus.EnrichRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What an LLM answer may be reused for: the same molecule (canonical SMILES) submitted with the same notes and
 * measurements, since the answer's evidence and properties come from those. A submission with other notes, another
 * tenant's say, is asked anew, so that no note changes the enrichment of a different submission.
 *
 * @param inputHash SHA-256 of the notes and measurements
 */
record AnswerKey(String canonicalSmiles, String inputHash) {

  static AnswerKey of(EnrichRequest request, MoleculeFacts facts) {
    String input = (request.notes() == null ? "" : request.notes())
        + '\u0000'
        + (request.measurementsJson() == null ? "[]" : request.measurementsJson());
    try {
      return new AnswerKey(
          facts.canonicalSmiles(),
          HexFormat.of()
              .formatHex(MessageDigest.getInstance("SHA-256")
                  .digest(input.getBytes(StandardCharsets.UTF_8))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
