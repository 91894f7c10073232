package io.eventgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Reading the events of a request in each content mode")
class CloudEventsReaderTest {

  private final CloudEventsReader reader = new CloudEventsReader(3);
  private final MultiMap noHeaders = MultiMap.caseInsensitiveMultiMap();

  @Test
  @DisplayName(
      "NDJSON: one event per line, blank lines skipped, a bad line is an error for that event only")
  void ndjson() {
    List<EventInput> items = reader.read(
        "application/x-ndjson; charset=utf-8",
        noHeaders,
        Buffer.buffer("{\"id\":\"a\"}\n\n{oops\n[1]\r\n"));
    assertThat(items).hasSize(3);
    assertThat(items.get(0)).isInstanceOf(EventInput.Json.class);
    assertThat(((EventError) items.get(1)).index()).isEqualTo(1);
    assertThat(((EventError) items.get(2)).errors().get(0).reason()).contains("JSON object");
  }

  @Test
  @DisplayName("binary mode takes the attributes from ce-* headers and the body as data")
  void binaryMode() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("ce-specversion", "1.0")
        .add("ce-id", "x")
        .add("ce-type", "t")
        .add("ce-source", "/s");
    List<EventInput> items = reader.read("application/json", headers, Buffer.buffer("{\"k\":1}"));
    assertThat(((EventInput.Json) items.get(0)).event())
        .isEqualTo(new JsonObject()
            .put("specversion", "1.0")
            .put("id", "x")
            .put("source", "/s")
            .put("type", "t")
            .put("data", new JsonObject().put("k", 1)));
  }

  @Test
  @DisplayName("rejects whole requests with the right status")
  void rejections() {
    assertThat(status("text/plain", "{}")).isEqualTo(415);
    assertThat(status("application/cloudevents+json; charset=ISO-8859-1", "{}")).isEqualTo(415);
    assertThat(status(null, "{}")).isEqualTo(415);
    assertThat(status("application/cloudevents+json", "  ")).isEqualTo(400);
    assertThat(status("application/cloudevents+json", "[{}]")).isEqualTo(400);
    assertThat(status("application/cloudevents-batch+json", "{}")).isEqualTo(400);
    assertThat(status("application/cloudevents-batch+json", "[{},{},{},{}]")).isEqualTo(413);
    assertThat(status("application/x-ndjson", "{}\n{}\n{}\n{}")).isEqualTo(413);
  }

  @Test
  @DisplayName("JSON that breaks a parsing limit (depth, number length) is a 400 naming the limit")
  void parsingLimits() {
    String deep = "[".repeat(JsonLimits.MAX_DEPTH + 1) + "]".repeat(JsonLimits.MAX_DEPTH + 1);
    RequestRejected tooDeep = catchThrowableOfType(
        RequestRejected.class,
        () -> reader.read("application/cloudevents-batch+json", noHeaders, Buffer.buffer(deep)));
    assertThat(tooDeep.problem().getInteger("status")).isEqualTo(400);
    assertThat(tooDeep.problem().getString("detail")).containsIgnoringCase("nesting depth");
    String longNumber = "{\"data\":{\"n\":" + "9".repeat(JsonLimits.MAX_NUMBER_LENGTH + 1) + "}}";
    assertThat(status("application/cloudevents+json", longNumber)).isEqualTo(400);
    List<EventInput> lines = reader.read(
        "application/x-ndjson",
        noHeaders,
        Buffer.buffer(deep.replace('[', '{').replace("]", "}") + "\n{\"id\":\"ok\"}"));
    assertThat(lines.get(0)).isInstanceOf(EventError.class);
    assertThat(lines.get(1)).isInstanceOf(EventInput.Json.class);
    String nested = "{\"data\":" + "{\"a\":".repeat(JsonLimits.MAX_DEPTH - 2) + "1"
        + "}".repeat(JsonLimits.MAX_DEPTH - 1);
    assertThat(reader
            .read("application/cloudevents+json", noHeaders, Buffer.buffer(nested))
            .get(0))
        .isInstanceOf(EventInput.Json.class);
  }

  private int status(String contentType, String body) {
    RequestRejected rejected = catchThrowableOfType(
        RequestRejected.class, () -> reader.read(contentType, noHeaders, Buffer.buffer(body)));
    return rejected.problem().getInteger("status");
  }
}
