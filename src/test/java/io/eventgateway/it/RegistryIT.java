package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The embedded schema registry answers as Confluent's Schema Registry API does")
class RegistryIT {

  private static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";

  private GatewayInstance gateway;
  private ApiClient admin;

  @BeforeAll
  void start() {
    gateway = GatewayInstance.start(GatewayInstance.isolated("registry"), "all");
    admin = gateway.api();
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("the request/response pairs of Confluent's API usage examples, replayed")
  void confluentDocumentationExamples() throws IOException {
    JsonObject fixtures;
    try (InputStream in = getClass().getResourceAsStream("/registry/confluent-api-examples.json")) {
      fixtures = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    String id = null;
    for (Object item : fixtures.getJsonArray("exchanges")) {
      JsonObject exchange = (JsonObject) item;
      String[] request = exchange.getString("request").split(" ", 2);
      String path = id == null ? request[1] : request[1].replace("$ID", id);
      ApiClient.Response response = call(admin, request[0], path, exchange.getJsonObject("body"));
      assertThat(response.status())
          .as(exchange.getString("request") + " -> " + response.body())
          .isEqualTo(exchange.getInteger("status"));
      assertThat(response.contentType()).startsWith(MEDIA_TYPE);
      Object actual = Json.decodeValue(response.body());
      if (id == null && actual instanceof JsonObject first && first.containsKey("id")) {
        id = String.valueOf(first.getInteger("id"));
      }
      String expected =
          Json.encode(exchange.getValue("response")).replace("\"$ID\"", String.valueOf(id));
      assertThat(actual).as(exchange.getString("request")).isEqualTo(Json.decodeValue(expected));
    }
  }

  @Test
  @DisplayName(
      "evolution: a compatible version is added, an incompatible one is refused with 409 naming the field")
  void compatibilityOnRegistration() {
    String subject = "orders-value";
    JsonObject v1 = schema("{\"name\":\"id\",\"type\":\"string\"}");
    JsonObject v2 = schema(
        "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}");
    JsonObject v3 =
        schema("{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"unit\",\"type\":\"string\"}");
    int id1 =
        call(admin, "POST", "/subjects/" + subject + "/versions", v1).json().getInteger("id");
    int id2 =
        call(admin, "POST", "/subjects/" + subject + "/versions", v2).json().getInteger("id");
    assertThat(id2).isNotEqualTo(id1);
    assertThat(
            call(admin, "POST", "/subjects/" + subject + "/versions", v1).json().getInteger("id"))
        .as("the same schema again: the same id, no new version")
        .isEqualTo(id1);
    assertThat(call(admin, "GET", "/subjects/" + subject + "/versions", null).body())
        .isEqualTo("[1,2]");

    ApiClient.Response refused = call(admin, "POST", "/subjects/" + subject + "/versions", v3);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().getInteger("error_code")).isEqualTo(409);
    assertThat(refused.json().getString("message"))
        .contains("field 'unit'")
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    JsonObject verdict = call(
            admin,
            "POST",
            "/compatibility/subjects/" + subject + "/versions/latest?verbose=true",
            v3)
        .json();
    assertThat(verdict.getBoolean("is_compatible")).isFalse();
    assertThat(verdict.getJsonArray("messages").encode()).contains("unit");

    assertThat(call(admin, "GET", "/config/" + subject, null).json().getInteger("error_code"))
        .isEqualTo(40408);
    assertThat(call(
                admin,
                "PUT",
                "/config/" + subject,
                new JsonObject().put("compatibility", "SIDEWAYS"))
            .json()
            .getInteger("error_code"))
        .isEqualTo(42203);
    assertThat(
            call(admin, "PUT", "/config/" + subject, new JsonObject().put("compatibility", "NONE"))
                .body())
        .isEqualTo("{\"compatibility\":\"NONE\"}");
    assertThat(call(admin, "POST", "/subjects/" + subject + "/versions", v3).status())
        .isEqualTo(200);
    assertThat(call(admin, "DELETE", "/config/" + subject, null)
            .json()
            .getString("compatibilityLevel"))
        .isEqualTo("NONE");
    assertThat(call(admin, "GET", "/config/" + subject + "?defaultToGlobal=true", null)
            .json()
            .getString("compatibilityLevel"))
        .isEqualTo("BACKWARD");

    assertThat(call(admin, "PUT", "/mode/" + subject, new JsonObject().put("mode", "READONLY"))
            .status())
        .isEqualTo(200);
    ApiClient.Response readOnly = call(
        admin,
        "POST",
        "/subjects/" + subject + "/versions",
        schema(
            "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"x\",\"type\":\"int\",\"default\":0}"));
    assertThat(readOnly.json().getInteger("error_code")).isEqualTo(42205);
    assertThat(call(admin, "PUT", "/mode/" + subject, new JsonObject().put("mode", "FAST"))
            .json()
            .getInteger("error_code"))
        .isEqualTo(42204);
  }

  @Test
  @DisplayName("soft and permanent deletes follow Confluent's rules")
  void deletes() {
    String subject = "deletes-value";
    call(
        admin,
        "POST",
        "/subjects/" + subject + "/versions",
        schema("{\"name\":\"id\",\"type\":\"string\"}"));
    assertThat(call(admin, "DELETE", "/subjects/" + subject + "?permanent=true", null)
            .json()
            .getInteger("error_code"))
        .isEqualTo(40405);
    assertThat(call(admin, "DELETE", "/subjects/" + subject, null).body()).isEqualTo("[1]");
    assertThat(call(admin, "GET", "/subjects/" + subject + "/versions", null)
            .json()
            .getInteger("error_code"))
        .isEqualTo(40401);
    assertThat(call(admin, "GET", "/subjects", null).body()).doesNotContain(subject);
    assertThat(call(admin, "GET", "/subjects?deleted=true", null).body()).contains(subject);
    assertThat(call(admin, "DELETE", "/subjects/" + subject, null).json().getInteger("error_code"))
        .isEqualTo(40404);
    assertThat(call(admin, "DELETE", "/subjects/" + subject + "?permanent=true", null)
            .body())
        .isEqualTo("[1]");
    assertThat(call(admin, "GET", "/subjects?deleted=true", null).body()).doesNotContain(subject);
  }

  @Test
  @DisplayName(
      "invalid schemas, versions and ids get Confluent's error codes; changes need an admin credential")
  void errors() {
    assertThat(call(
                admin,
                "POST",
                "/subjects/bad-value/versions",
                new JsonObject().put("schema", "{\"type\":\"recrod\"}"))
            .json()
            .getInteger("error_code"))
        .isEqualTo(42201);
    assertThat(call(
                admin,
                "POST",
                "/subjects/bad-value/versions",
                new JsonObject().put("schema", "{}").put("schemaType", "PROTOBUF"))
            .json()
            .getInteger("error_code"))
        .isEqualTo(42201);
    assertThat(call(admin, "GET", "/subjects/orders-value/versions/abc", null)
            .json()
            .getInteger("error_code"))
        .isEqualTo(42202);
    assertThat(call(admin, "GET", "/schemas/types", null).body()).isEqualTo("[\"AVRO\"]");
    assertThat(admin
            .send(HttpRequest.newBuilder(URI.create(gateway.apiUrl() + "/registry/schemas/types"))
                .header("Accept", "application/json")
                .GET()
                .build())
            .contentType())
        .isEqualTo("application/json");
    ApiClient anonymous = new ApiClient(gateway.apiUrl());
    assertThat(call(
                anonymous,
                "POST",
                "/subjects/open-value/versions",
                schema("{\"name\":\"a\",\"type\":\"int\"}"))
            .status())
        .isEqualTo(401);
    assertThat(call(anonymous, "GET", "/schemas/types", null).status()).isEqualTo(200);
    // the open routes that read a body read a small one: a lookup of 300 KiB is refused unread
    JsonObject huge = schema("{\"name\":\"" + "a".repeat(300 * 1024) + "\",\"type\":\"int\"}");
    assertThat(call(anonymous, "POST", "/subjects/open-value", huge).status()).isEqualTo(413);
    assertThat(call(anonymous, "POST", "/compatibility/subjects/open-value/versions/latest", huge)
            .status())
        .isEqualTo(413);
  }

  @Test
  @DisplayName(
      "stalled anonymous uploads take their address's in-flight share; past it a lookup is answered 429 unread")
  void stalledUploadsAreBounded() throws Exception {
    long perCaller = gateway.config().getJsonObject("http").getLong("maxInFlightBytesPerCaller");
    int declared = 200 * 1024;
    int holds = (int) (perCaller / declared);
    int port = java.net.URI.create(gateway.apiUrl()).getPort();
    java.util.List<java.net.Socket> stalled = new java.util.ArrayList<>();
    try {
      for (int i = 0; i <= holds; i++) {
        if (i == holds) {
          // the server has the earlier ones' headers before the last one's
          Thread.sleep(500);
        }
        java.net.Socket socket = new java.net.Socket();
        socket.bind(new java.net.InetSocketAddress("127.0.0.3", 0));
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(i < holds ? 300 : 5_000);
        socket
            .getOutputStream()
            .write(("POST /registry/subjects/open-value HTTP/1.1\r\nHost: gateway\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + declared
                    + "\r\n\r\n{\"schema\":\"")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        stalled.add(socket);
      }
      java.net.Socket over = stalled.get(holds);
      String status = new java.io.BufferedReader(new java.io.InputStreamReader(
              over.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
          .readLine();
      assertThat(status).as("the upload past its address's share").startsWith("HTTP/1.1 429");
      // another client's lookup is not held up
      assertThat(call(new ApiClient(gateway.apiUrl()), "GET", "/schemas/types", null)
              .status())
          .isEqualTo(200);
    } finally {
      for (java.net.Socket socket : stalled) {
        socket.close();
      }
    }
  }

  @Test
  @DisplayName("two gateway instances on the same store agree on every id")
  void twoInstancesAgree() {
    try (GatewayInstance second =
        GatewayInstance.start(GatewayInstance.withOwnPorts(gateway.config()), "all")) {
      ApiClient other = second.api();
      assertThat(other.get("/v1/types").json()).isEqualTo(admin.get("/v1/types").json());
      JsonObject shared = schema("{\"name\":\"shared\",\"type\":\"long\"}");
      int viaFirst =
          call(admin, "POST", "/subjects/shared-value/versions", shared).json().getInteger("id");
      assertThat(call(other, "POST", "/subjects/shared-value/versions", shared)
              .json()
              .getInteger("id"))
          .isEqualTo(viaFirst);
      int viaSecond = call(
              other,
              "POST",
              "/subjects/second-value/versions",
              schema("{\"name\":\"only\",\"type\":\"boolean\"}"))
          .json()
          .getInteger("id");
      assertThat(call(admin, "GET", "/schemas/ids/" + viaSecond, null).status()).isEqualTo(200);
      assertThat(call(admin, "GET", "/subjects/second-value/versions/latest", null)
              .json()
              .getInteger("id"))
          .isEqualTo(viaSecond);
    }
  }

  private static JsonObject schema(String fields) {
    return new JsonObject()
        .put(
            "schema",
            "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"it\",\"fields\":[" + fields
                + "]}");
  }

  private ApiClient.Response call(ApiClient client, String method, String path, JsonObject body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create(gateway.apiUrl() + "/registry" + path))
        .header("Content-Type", MEDIA_TYPE)
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.encode()));
    return client.send(request.build());
  }
}
