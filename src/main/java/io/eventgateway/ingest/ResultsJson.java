package io.eventgateway.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Results as the JSON clients read, written straight to bytes with Jackson's streaming generator: an answer that
 * repeats for every acknowledged event builds no tree of maps first.
 */
public final class ResultsJson {

  private static final JsonFactory JSON = JsonFactory.builder().build();
  /** About one acknowledged entry's bytes: the buffer rarely grows. */
  private static final int ENTRY_BYTES = 112;

  private ResultsJson() {}

  /** {@code {"accepted":..,"rejected":..,"results":[..]}}, each result with its {@code index}. */
  public static Buffer summary(int accepted, int rejected, EventResult[] results) {
    return Buffer.buffer(write(results.length, json -> {
      json.writeStartObject();
      json.writeNumberField("accepted", accepted);
      json.writeNumberField("rejected", rejected);
      json.writeFieldName("results");
      writeArray(json, results);
      json.writeEndObject();
    }));
  }

  /** {@code [..]}, each result with its {@code index}. */
  public static String array(EventResult[] results) {
    return new String(
        write(results.length, json -> writeArray(json, results)), StandardCharsets.UTF_8);
  }

  /** A WebSocket ack: the result with the frame's sequence number {@code seq} in place of its index. */
  public static String ack(long seq, EventResult result) {
    return new String(
        write(1, json -> {
          json.writeStartObject();
          json.writeNumberField("seq", seq);
          result.writeFields(json);
          json.writeEndObject();
        }),
        StandardCharsets.UTF_8);
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

  private static byte[] write(int entries, Writing writing) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + entries * ENTRY_BYTES);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      writing.write(json);
    } catch (IOException e) {
      // a ByteArrayOutputStream does not fail
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
