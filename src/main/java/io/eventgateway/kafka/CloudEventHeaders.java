package io.eventgateway.kafka;

/**
 * Header names of the CloudEvents Kafka protocol binding (binary content mode): attributes travel as
 * {@code ce_<attribute>} headers, {@code datacontenttype} as {@code content-type}.
 */
public final class CloudEventHeaders {

  public static final String SPEC_VERSION = "ce_specversion";
  public static final String ID = "ce_id";
  public static final String SOURCE = "ce_source";
  public static final String TYPE = "ce_type";
  public static final String TIME = "ce_time";
  /** The W3C trace context of the request that produced the record (not a CloudEvents attribute). */
  public static final String TRACE_PARENT = "traceparent";

  public static final String SUBJECT = "ce_subject";
  public static final String DATA_SCHEMA = "ce_dataschema";
  public static final String CONTENT_TYPE = "content-type";
  /** The value's content type: Avro binary in the Confluent wire format. */
  public static final String AVRO_CONTENT_TYPE = "application/avro";

  private CloudEventHeaders() {}
}
