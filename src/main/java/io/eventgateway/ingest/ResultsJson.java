package io.eventgateway.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Results as the JSON clients read, written straight to text with Jackson's streaming generator: an answer that
 * repeats for every acknowledged event builds no tree of maps first. Text, as Vert.x's own encoding makes it, so
 * the bytes sent are the same as before (characters beyond the Basic Multilingual Plane raw, not escaped).
 */
public final class ResultsJson {

  private static final JsonFactory JSON = JsonFactory.builder().build();
  /** About one acknowledged entry's length: the buffer rarely grows. */
  private static final int ENTRY_CHARS = 112;

  private ResultsJson() {}

  /** {@code {"accepted":..,"rejected":..,"results":[..]}}, each result with its {@code index}. */
  public static String summary(int accepted, int rejected, EventResult[] results) {
    return write(results.length, json -> {
      json.writeStartObject();
      json.writeNumberField("accepted", accepted);
      json.writeNumberField("rejected", rejected);
      json.writeFieldName("results");
      writeArray(json, results);
      json.writeEndObject();
    });
  }

  /** {@code [..]}, each result with its {@code index}. */
  public static String array(EventResult[] results) {
    return write(results.length, json -> writeArray(json, results));
  }

  /** A WebSocket ack: the result with the frame's sequence number {@code seq} in place of its index. */
  public static String ack(long seq, EventResult result) {
    return write(1, json -> {
      json.writeStartObject();
      json.writeNumberField("seq", seq);
      result.writeFields(json);
      json.writeEndObject();
    });
  }

  private static void writeArray(JsonGenerator json, EventResult[] results) throws IOException {
    json.writeStartArray();
    for (EventResult result : results) {
      json.writeStartObject();
      json.writeNumberField("index", result.index());
      result.writeFields(json);
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  @FunctionalInterface
  private interface Writing {
    void write(JsonGenerator json) throws IOException;
  }

  private static String write(int entries, Writing writing) {
    StringWriter out = new StringWriter(64 + entries * ENTRY_CHARS);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      writing.write(json);
    } catch (IOException e) {
      // a StringWriter does not fail
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
