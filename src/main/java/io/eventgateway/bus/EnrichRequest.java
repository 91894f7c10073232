package io.eventgateway.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A molecule to enrich, for {@link Addresses#LLM_ENRICH}.
 *
 * @param measurementsJson the event's measurements as a JSON array
 * @param llmOnly fail instead of falling back (the backfill only wants LLM answers)
 * @param storedAnswer an LLM answer stored earlier for the same SMILES and inputs (found through
 *     {@link Addresses#ENRICHMENTS_STORED}), which the LLM verticle reuses instead of asking the model; {@code null}
 *     when there is none
 */
public record EnrichRequest(
    EventKey event,
    String name,
    String smiles,
    String formula,
    String notes,
    String measurementsJson,
    boolean llmOnly,
    JsonObject storedAnswer) {

  /** The request for a {@code chemistry.molecule_submitted} event's data. */
  public static EnrichRequest ofMolecule(EventKey event, JsonObject data, boolean llmOnly) {
    JsonArray measurements = data.getJsonArray("measurements");
    return new EnrichRequest(
        event,
        data.getString("name"),
        data.getString("smiles"),
        data.getString("formula"),
        data.getString("notes"),
        measurements == null ? "[]" : measurements.encode(),
        llmOnly,
        null);
  }

  public EnrichRequest withStoredAnswer(JsonObject answer) {
    return new EnrichRequest(
        event, name, smiles, formula, notes, measurementsJson, llmOnly, answer);
  }

  /**
   * SHA-256 of the notes and measurements: an LLM answer is reused only for a submission with the same ones, since
   * its evidence and properties come from them, so that no note changes the enrichment of a different submission.
   */
  public String inputHash() {
    String input = (notes == null ? "" : notes)
        + '\u0000'
        + (measurementsJson == null ? "[]" : measurementsJson);
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
