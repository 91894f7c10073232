package io.eventgateway.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** A plain JDK HTTP client speaking to the gateway from outside, as a user's client would. */
final class ApiClient {

  // HTTP/1.1 as curl and most event producers speak it; the JDK client's h2c upgrade once hung a
  // run past its timeout
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final String baseUrl;
  private final String apiKey;

  /** A client without credentials: for the management port, the LLM simulator, and unauthenticated calls. */
  ApiClient(String baseUrl) {
    this(baseUrl, null);
  }

  /** A client sending {@code Authorization: Bearer <apiKey>} on every request. */
  ApiClient(String baseUrl, String apiKey) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
  }

  String baseUrl() {
    return baseUrl;
  }

  /** The key this client sends, or {@code null}. */
  String apiKey() {
    return apiKey;
  }

  /** A response with its body parsed when it is JSON. */
  record Response(int status, String contentType, String body, java.net.http.HttpHeaders headers) {

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  Response post(String path, String contentType, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request.build());
  }

  Response postEvent(JsonObject event) {
    return post("/v1/events", "application/cloudevents+json", event.encode());
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(30))
        .GET()
        .build());
  }

  /** {@code GET /v1/types}. */
  JsonArray types() {
    return get("/v1/types").json().getJsonArray("types");
  }

  Response send(HttpRequest request) {
    if (apiKey != null && request.headers().firstValue("Authorization").isEmpty()) {
      request = HttpRequest.newBuilder(request, (name, value) -> true)
          .header("Authorization", "Bearer " + apiKey)
          .build();
    }
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body(),
          response.headers());
    } catch (IOException e) {
      throw new IllegalStateException("request to " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A structured-mode CloudEvent of {@code type} with a fresh id. */
  static JsonObject cloudEvent(String type, JsonObject data) {
    return new JsonObject()
        .put("specversion", "1.0")
        .put("id", UUID.randomUUID().toString())
        .put("source", "/it/" + type)
        .put("type", type)
        .put("time", "2026-11-23T10:15:30.123Z")
        .put("data", data);
  }

  /** A molecule submission with a fresh id. */
  static JsonObject molecule(String name, String smiles, String notes) {
    return cloudEvent(
        "chemistry.molecule_submitted",
        new JsonObject()
            .put("molecule_id", "M-" + UUID.randomUUID().toString().substring(0, 8))
            .put("name", name)
            .put("smiles", smiles)
            .put("lab", "Lab 7")
            .put("notes", notes));
  }

  /** A molecule's stored enrichment, or {@code null} until it is stored. */
  JsonObject enrichment(String eventId) {
    Response response = get("/v1/molecules/" + eventId);
    if (response.status() != 200) {
      return null;
    }
    JsonObject enrichment = response.json().getJsonObject("enrichment");
    return "enriched".equals(enrichment.getString("status")) ? enrichment : null;
  }

  /** A valid page view of user {@code userId}. */
  static JsonObject pageView(String userId) {
    return cloudEvent(
        "analytics.page_view",
        new JsonObject()
            .put("user_id", userId)
            .put("url", "https://shop.example/p/" + userId)
            .put("device", "DESKTOP"));
  }
}
