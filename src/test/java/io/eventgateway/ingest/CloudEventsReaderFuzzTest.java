package io.eventgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of what ingest reads before validation: any body under any media type becomes events and
 * per-event errors, or one refusal of the whole request with a 4xx problem; nothing else may come out. Each test
 * replays its committed inputs ({@code src/test/resources/.../CloudEventsReaderFuzzTestInputs/<test>/}) in every
 * build; {@code JAZZER_FUZZ=1} fuzzes (see docs/operations.md).
 */
class CloudEventsReaderFuzzTest {

  private static final int MAX_EVENTS = 50;
  private static final List<String> CONTENT_TYPES = List.of(
      CloudEventsReader.STRUCTURED,
      CloudEventsReader.BATCH,
      CloudEventsReader.NDJSON,
      CloudEventsReader.JSON,
      "application/json; charset=utf-8",
      "application/cloudevents+json; charset=UTF-8",
      "application/x-ndjson;charset=latin1",
      "text/plain",
      "");

  private final CloudEventsReader reader = new CloudEventsReader(MAX_EVENTS);

  @FuzzTest(maxDuration = "10m")
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void readsAnyBodyUnderAnyMediaType(FuzzedDataProvider data) {
    String contentType =
        data.consumeBoolean() ? data.pickValue(CONTENT_TYPES) : data.consumeString(60);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (data.consumeBoolean()) {
      headers
          .add("ce-specversion", data.consumeString(8))
          .add("ce-id", data.consumeString(20))
          .add("ce-type", data.consumeString(40))
          .add("ce-source", data.consumeString(20));
    }
    Buffer body = Buffer.buffer(data.consumeRemainingAsBytes());
    List<EventInput> items;
    try {
      items = reader.read(contentType, headers, body);
    } catch (RequestRejected rejected) {
      assertThat(rejected.problem().getInteger("status")).isBetween(400, 499);
      assertThat(rejected.problem().getString("detail")).isNotBlank();
      return;
    }
    assertThat(items).isNotEmpty().hasSizeLessThanOrEqualTo(MAX_EVENTS);
    int count = items.size();
    assertThat(items)
        .allMatch(item -> !(item instanceof EventError error) || error.index() < count);
  }

  @FuzzTest(maxDuration = "10m")
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void splitsNdjsonIntoOneItemPerLine(FuzzedDataProvider data) {
    List<String> lines = new java.util.ArrayList<>();
    for (int i = data.consumeInt(0, MAX_EVENTS); i > 0 && data.remainingBytes() > 0; i--) {
      lines.add(data.consumeString(300));
    }
    String separator = data.consumeBoolean() ? "\r\n" : "\n";
    String text = String.join(separator, lines);
    // the reference: NDJSON lines end at \n (a \r before it belongs to the ending; a lone \r does
    // not end a line), and every line that is not blank is one item, in order
    long expected = Arrays.stream(text.split("\n", -1))
        .map(line -> line.endsWith("\r") ? line.substring(0, line.length() - 1) : line)
        .filter(line -> !line.isBlank())
        .count();
    List<EventInput> items;
    try {
      items = reader.read(
          CloudEventsReader.NDJSON,
          MultiMap.caseInsensitiveMultiMap(),
          Buffer.buffer(text.getBytes(StandardCharsets.UTF_8)));
    } catch (RequestRejected rejected) {
      // refused whole only for what the reference says: no line at all (400) or more lines than
      // allowed (413)
      assertThat(rejected.problem().getInteger("status"))
          .isEqualTo(expected == 0 ? 400 : expected > MAX_EVENTS ? 413 : -1);
      return;
    }
    assertThat(expected).isBetween(1L, (long) MAX_EVENTS);
    assertThat(items).hasSize((int) expected);
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof EventError error) {
        assertThat(error.index()).isEqualTo(i);
      }
    }
  }
}
