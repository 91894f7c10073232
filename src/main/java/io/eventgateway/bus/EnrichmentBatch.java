package io.eventgateway.bus;

import java.util.List;

/** Enrichments to store, for {@link Addresses#ENRICHMENTS_PERSIST}: one bus message per batch. */
public record EnrichmentBatch(List<Enrichment> enrichments) {

  public EnrichmentBatch {
    enrichments = List.copyOf(enrichments);
  }
}
