package io.eventgateway.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * An external Confluent-compatible schema registry (Confluent, Apicurio's ccompat API, Karapace, Redpanda) over its
 * REST API, for {@code registry.url}. Credentials: {@code registry.bearerToken} or {@code registry.basicAuth}
 * ({@code user:password}), from the environment. Schemas by id are kept once read.
 */
final class ConfluentRegistryClient implements SubjectRegistry {

  private static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";

  private final WebClient http;
  private final String base;
  private final String authorization;
  private final Map<Integer, String> textById = new ConcurrentHashMap<>();

  ConfluentRegistryClient(Vertx vertx, JsonObject registry) {
    URI url = URI.create(registry.getString("url").replaceAll("/+$", ""));
    this.http = WebClient.create(
        vertx,
        new WebClientOptions()
            .setDefaultHost(url.getHost())
            .setDefaultPort(
                url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80)
            .setSsl("https".equals(url.getScheme()))
            .setKeepAlive(true));
    this.base = url.getRawPath() == null ? "" : url.getRawPath();
    String token = registry.getString("bearerToken", "");
    String basic = registry.getString("basicAuth", "");
    this.authorization = !token.isEmpty()
        ? "Bearer " + token
        : !basic.isEmpty()
            ? "Basic "
                + java.util.Base64.getEncoder()
                    .encodeToString(basic.getBytes(StandardCharsets.UTF_8))
            : null;
  }

  @Override
  public Future<Integer> register(String subject, Schema schema) {
    return send(
            "POST",
            "/subjects/" + encode(subject) + "/versions",
            new JsonObject().put("schema", schema.toString()))
        .map(body -> ((JsonObject) body).getInteger("id"));
  }

  @Override
  public Future<List<Version>> versions(String subject) {
    return send("GET", "/subjects/" + encode(subject) + "/versions", null).compose(numbers -> {
      List<Future<Version>> versions = new ArrayList<>();
      for (Object number : (JsonArray) numbers) {
        versions.add(send("GET", "/subjects/" + encode(subject) + "/versions/" + number, null)
            .map(body -> {
              JsonObject version = (JsonObject) body;
              textById.put(version.getInteger("id"), version.getString("schema"));
              return new Version(
                  subject,
                  version.getInteger("version"),
                  version.getInteger("id"),
                  version.getString("schema"),
                  false);
            }));
      }
      return Future.all(versions).map(all -> all.<Version>list());
    });
  }

  @Override
  public Future<String> schemaText(int id) {
    String known = textById.get(id);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return send("GET", "/schemas/ids/" + id, null)
        .map(body -> {
          String text = ((JsonObject) body).getString("schema");
          textById.put(id, text);
          return text;
        })
        .recover(error -> error instanceof RegistryException missing && missing.errorCode() == 40403
            ? Future.succeededFuture(null)
            : Future.failedFuture(error));
  }

  /** One call; an error answer becomes the {@link RegistryException} the registry described. */
  private Future<Object> send(String method, String path, JsonObject body) {
    var request = http.request(io.vertx.core.http.HttpMethod.valueOf(method), base + path)
        .putHeader("Accept", MEDIA_TYPE)
        .putHeader("Content-Type", MEDIA_TYPE);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    Future<HttpResponse<Buffer>> response =
        body == null ? request.send() : request.sendBuffer(body.toBuffer());
    return response.compose(answer -> {
      if (answer.statusCode() / 100 == 2) {
        return Future.succeededFuture(answer.bodyAsJson(Object.class));
      }
      JsonObject error = answer.body() == null ? new JsonObject() : answer.bodyAsJsonObject();
      return Future.failedFuture(new RegistryException(
          answer.statusCode(),
          error.getInteger("error_code", answer.statusCode()),
          error.getString("message", "HTTP " + answer.statusCode())));
    });
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
