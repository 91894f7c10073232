package io.eventgateway.bus;

/** Failure codes carried by {@link io.vertx.core.eventbus.ReplyException}; they mirror HTTP statuses. */
public final class FailureCodes {
  /** The payload is invalid; retrying will not help. */
  public static final int INVALID = 400;
  /** The requested thing does not exist. */
  public static final int NOT_FOUND = 404;
  /** The request was overtaken: another member of the group stored what it holds (its partitions moved). */
  public static final int CONFLICT = 409;
  /** Back-pressure: the receiver is full, retry later. */
  public static final int OVERLOADED = 429;
  /** A bug. */
  public static final int INTERNAL = 500;
  /** A dependency (Kafka, PostgreSQL) is unreachable. */
  public static final int UNAVAILABLE = 503;
  /** A dependency did not answer in time. */
  public static final int TIMEOUT = 504;

  private FailureCodes() {}
}
