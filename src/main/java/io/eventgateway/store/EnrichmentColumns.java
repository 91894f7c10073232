package io.eventgateway.store;

import io.eventgateway.bus.Enrichment;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;

/** Enrichments as the parallel arrays of {@link SqlQueries#UPSERT_ENRICHMENTS}. */
final class EnrichmentColumns {

  private EnrichmentColumns() {}

  static Tuple of(Collection<Enrichment> enrichments) {
    int n = enrichments.size();
    String[] tenants = new String[n];
    String[] inputHashes = new String[n];
    String[] inputSmiles = new String[n];
    String[] eventSources = new String[n];
    String[] ids = new String[n];
    String[] sources = new String[n];
    String[] models = new String[n];
    Long[] latencies = new Long[n];
    String[] smiles = new String[n];
    String[] properties = new String[n];
    String[] computed = new String[n];
    String[] raw = new String[n];
    Boolean[] mismatches = new Boolean[n];
    String[] details = new String[n];
    String[] errors = new String[n];
    Integer[] promptNotesChars = new Integer[n];
    int i = 0;
    for (Enrichment e : enrichments) {
      tenants[i] = e.event().tenant();
      inputHashes[i] = e.inputHash();
      inputSmiles[i] = e.inputSmiles();
      eventSources[i] = e.event().source();
      ids[i] = e.event().id();
      sources[i] = e.source();
      models[i] = e.model();
      latencies[i] = e.latencyMs();
      smiles[i] = e.canonicalSmiles();
      properties[i] = e.propertiesJson();
      computed[i] = e.computedJson();
      raw[i] = e.rawAnswer();
      mismatches[i] = e.llmMismatch();
      details[i] = e.mismatchDetail();
      errors[i] = e.error();
      promptNotesChars[i] = e.promptNotesChars();
      i++;
    }
    return Tuple.of(
        ids,
        sources,
        models,
        latencies,
        smiles,
        properties,
        computed,
        raw,
        mismatches,
        details,
        errors,
        tenants,
        eventSources,
        inputHashes,
        inputSmiles,
        promptNotesChars);
  }
}
