package io.eventgateway.schema;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** RFC 3339 timestamps, as CloudEvents' {@code time} and Avro's timestamp fields carry them. */
public final class Rfc3339 {

  private Rfc3339() {}

  /** Parses an RFC 3339 timestamp, with or without an offset. */
  public static Instant parseInstant(String text) {
    Instant utc = parseUtc(text);
    if (utc != null) {
      return utc;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return Instant.parse(text);
    }
  }

  /**
   * The form nearly every producer sends, {@code 2026-11-23T10:00:00[.fraction]Z}, read by hand: the formatter's
   * general parse was the largest single cost of validating an event. Anything else returns null and takes the
   * formatter's path, which also judges what is invalid.
   */
  private static Instant parseUtc(String text) {
    int length = text.length();
    if (length < 20
        || length > 30
        || text.charAt(length - 1) != 'Z'
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    int nanos = 0;
    if (length > 20) {
      int fractionDigits = length - 21;
      if (text.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
        return null;
      }
      int fraction = digits(text, 20, fractionDigits);
      nanos = fraction < 0 ? -1 : fraction * (int) Math.pow(10, 9 - fractionDigits);
    } else if (text.charAt(19) != 'Z') {
      return null;
    }
    if ((year | month | day | hour | minute | second | nanos) < 0
        || month < 1
        || month > 12
        || day < 1
        || hour > 23
        || minute > 59
        || second > 59
        || day > YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    return LocalDateTime.of(year, month, day, hour, minute, second, nanos)
        .toInstant(ZoneOffset.UTC);
  }

  /** @return the number in {@code text[start, start+count)}, or -1 when one of them is not an ASCII digit */
  private static int digits(String text, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
