package io.eventgateway.llm;

import io.eventgateway.bus.EnrichRequest;
import io.eventgateway.config.LlmConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Calls an OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, llama.cpp server, the simulator)
 * in JSON mode, an answer bounded by {@code llm.maxTokens} and the notes by {@code llm.maxNoteChars}. Any non-2xx
 * answer, and any answer not of the required shape, fails the returned future; the circuit breaker counts it,
 * except a refusal of the input ({@link LlmFailure.InputRefused}).
 */
final class LlmClient {

  private static final long DEFAULT_RETRY_AFTER_MS = 1_000;

  private final WebClient client;
  private final String url;
  private final String modelsUrl;
  private final String model;
  private final String apiKey;
  private final long timeoutMs;
  private final int maxTokens;
  private final int maxNoteChars;

  LlmClient(WebClient client, LlmConfig llm) {
    this.client = client;
    String baseUrl = llm.baseUrl().replaceAll("/+$", "");
    this.url = baseUrl + "/chat/completions";
    this.modelsUrl = baseUrl + "/models";
    this.model = llm.model();
    this.apiKey = llm.apiKey();
    this.timeoutMs = llm.requestTimeoutMs();
    this.maxTokens = llm.maxTokens();
    this.maxNoteChars = llm.maxNoteChars();
  }

  String model() {
    return model;
  }

  /**
   * Lists the endpoint's models ({@code GET /models}), which opens the first connection before any paced call
   * needs it: a cold client would otherwise hold the first calls back and then release them in a burst.
   *
   * @return the status code, or the failure when the endpoint is unreachable
   */
  Future<Integer> probe() {
    HttpRequest<Buffer> request = client.getAbs(modelsUrl).timeout(timeoutMs);
    if (!apiKey.isBlank()) {
      request.bearerTokenAuthentication(apiKey);
    }
    return request.send().map(HttpResponse::statusCode);
  }

  Future<LlmAnswer> complete(EnrichRequest molecule) {
    JsonObject body = new JsonObject()
        .put("model", model)
        .put("temperature", 0)
        .put("max_tokens", maxTokens)
        .put("response_format", new JsonObject().put("type", "json_object"))
        .put("messages", EnrichmentPrompt.messages(molecule, maxNoteChars));
    HttpRequest<Buffer> request = client.postAbs(url).timeout(timeoutMs);
    if (!apiKey.isBlank()) {
      request.bearerTokenAuthentication(apiKey);
    }
    return request.sendJsonObject(body).map(this::answer);
  }

  private LlmAnswer answer(HttpResponse<Buffer> response) {
    if (response.statusCode() == 429) {
      throw new LlmFailure.RateLimited(retryAfterMs(response.getHeader("Retry-After")));
    }
    if (response.statusCode() == 400
        || response.statusCode() == 413
        || response.statusCode() == 422) {
      throw new LlmFailure.InputRefused(
          "LLM endpoint answered " + response.statusCode() + errorCode(response));
    }
    if (response.statusCode() / 100 != 2) {
      throw new LlmFailure("LLM endpoint answered " + response.statusCode());
    }
    JsonObject completion;
    try {
      completion = response.bodyAsJsonObject();
    } catch (RuntimeException e) {
      throw new LlmFailure.Malformed("the completion is not JSON");
    }
    JsonArray choices = completion == null ? null : completion.getJsonArray("choices");
    if (choices == null || choices.isEmpty()) {
      throw new LlmFailure.Malformed("the completion has no choices");
    }
    JsonObject message = choices.getJsonObject(0).getJsonObject("message");
    return LlmAnswer.parse(
        message == null ? null : message.getString("content"),
        completion.getString("model", model));
  }

  /** The OpenAI error code of a refusal ({@code context_length_exceeded}), when the body has one. */
  private static String errorCode(HttpResponse<Buffer> response) {
    try {
      JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
      String code = error == null ? null : error.getString("code");
      return code == null ? "" : " (" + code + ")";
    } catch (RuntimeException notJson) {
      return "";
    }
  }

  /** {@code Retry-After} is either delay-seconds or an HTTP-date (RFC 9110). */
  static long retryAfterMs(String header) {
    if (header == null || header.isBlank()) {
      return DEFAULT_RETRY_AFTER_MS;
    }
    try {
      return Math.max(0, (long) (Double.parseDouble(header.trim()) * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
      } catch (DateTimeParseException notDate) {
        return DEFAULT_RETRY_AFTER_MS;
      }
    }
  }
}
