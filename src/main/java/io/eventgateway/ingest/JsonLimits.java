package io.eventgateway.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;

/**
 * Parses request JSON with limits that hostile input cannot stretch: nesting depth, number length and string
 * length (Jackson's {@link StreamReadConstraints}), into the same {@code JsonObject}/{@code JsonArray} values
 * Vert.x would produce. The body size itself is bounded by the body handler.
 */
public final class JsonLimits {

  /** Deeper than any event schema nests, shallow enough that recursion can never exhaust a stack. */
  static final int MAX_DEPTH = 32;
  /** Digits of one number: a long has 19, a double's shortest form about 24. */
  static final int MAX_NUMBER_LENGTH = 64;

  static final int MAX_STRING_LENGTH = 1 << 20;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxNumberLength(MAX_NUMBER_LENGTH)
          .maxStringLength(MAX_STRING_LENGTH)
          .build())
      .build();

  private JsonLimits() {}

  /** @throws DecodeException when the text is not JSON or breaks a limit; the message says which */
  public static Object parse(String text) {
    try {
      JsonParser parser = FACTORY.createParser(text);
      return JacksonCodec.fromParser(parser, Object.class);
    } catch (IOException e) {
      throw new DecodeException(e.getMessage(), e);
    }
  }
}
