package io.eventgateway.bus;

import java.util.List;

/** Molecules awaiting re-enrichment, the reply of {@link Addresses#ENRICHMENTS_PENDING}. */
public record EnrichRequestBatch(List<EnrichRequest> requests) {

  public EnrichRequestBatch {
    requests = List.copyOf(requests);
  }
}
