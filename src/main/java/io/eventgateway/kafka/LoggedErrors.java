package io.eventgateway.kafka;

import java.util.regex.Pattern;

/**
 * Error messages as logs and health may show them. A database's message may quote the value it refused (PostgreSQL
 * quotes both names and values), and a record's value is a tenant's data: whatever is quoted is masked.
 */
final class LoggedErrors {

  private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|'[^']*'");

  private LoggedErrors() {}

  /** {@code error} with every quoted part replaced by {@code "…"}; {@code null} stays {@code null}. */
  static String masked(String error) {
    return error == null ? null : QUOTED.matcher(error).replaceAll("\"…\"");
  }
}
