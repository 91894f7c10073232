package io.eventgateway.bus;

/**
 * The identity of an event: CloudEvents makes {@code source} + {@code id} unique, and the gateway keeps tenants
 * apart, so two producers that use the same id never shadow or drop each other's events.
 *
 * @param tenant the tenant of the credential that published it, stamped by the gateway
 */
public record EventKey(String tenant, String source, String id) {

  /** The tenant of credentials that name none, and of events published before tenants existed. */
  public static final String DEFAULT_TENANT = "default";
}
