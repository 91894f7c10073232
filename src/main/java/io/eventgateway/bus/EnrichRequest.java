package io.eventgateway.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A molecule to enrich, for {@link Addresses#LLM_ENRICH}.
 *
 * @param measurementsJson the event's measurements as a JSON array
 * @param llmOnly fail instead of falling back (the backfill only wants LLM answers)
 */
public record EnrichRequest(
    EventKey event,
    String name,
    String smiles,
    String formula,
    String notes,
    String measurementsJson,
    boolean llmOnly) {

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
        llmOnly);
  }
}
