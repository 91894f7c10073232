package io.eventgateway.kafka;

/**
 * Kafka headers only the gateway writes: who published a record. A client cannot set them: CloudEvents attributes,
 * extensions included, travel as {@code ce_*} headers, and ingest writes these two itself.
 */
public final class GatewayHeaders {

  /** The publishing credential's tenant; records produced before tenants existed have none (tenant default). */
  public static final String TENANT = "gw_tenant";
  /** The publishing API key's id, or {@code jwt:<sub>} for a token. */
  public static final String CREDENTIAL = "gw_credential";

  private GatewayHeaders() {}
}
