package io.eventgateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.config.ConfigLoader;
import io.eventgateway.http.ApiRoutes;
import io.eventgateway.ops.ManagementVerticle;
import io.eventgateway.schema.EventCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document served at {@code /openapi.json} is a valid OpenAPI 3.1 document (checked by vertx-openapi
 * against the specification's JSON Schema) and names exactly the operations the routers serve: a route added without
 * documenting it, or a documented operation nobody serves, fails here.
 */
@DisplayName("The OpenAPI document and the routers")
class OpenApiDocumentTest {

  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private static Vertx vertx;
  private static JsonObject document;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    document = new JsonObject(Files.readString(Path.of("src/main/resources/openapi/openapi.json")));
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  @DisplayName("is a valid OpenAPI 3.1 document")
  void valid() throws Exception {
    OpenAPIVersion version = OpenAPIVersion.fromContract(document);
    assertThat(version).isEqualTo(OpenAPIVersion.V3_1);
    // vertx-openapi's own check against the specification's JSON Schema (2022-10-07), then every
    // $ref resolved
    SchemaRepository repository =
        version.getRepository(vertx, "app:///").await(30, TimeUnit.SECONDS);
    version
        .validateContract(vertx, repository, document)
        .await(30, TimeUnit.SECONDS)
        .checkValidity();
    JsonObject resolved = version.resolve(vertx, repository, document).await(30, TimeUnit.SECONDS);
    assertThat(operations(resolved))
        .allSatisfy((key, operation) ->
            assertThat(operation.getString("operationId")).as(key).isNotBlank());
  }

  @Test
  @DisplayName("documents every route of the API and management ports, and nothing else")
  void matchesRoutes() {
    JsonObject config = ConfigLoader.load("test", Map.of());
    EventCatalog catalog = EventCatalog.load(config.getJsonObject("kafka").getJsonObject("topics"));
    Set<String> served = new TreeSet<>();
    collect(ApiRoutes.router(vertx, config, catalog), "", served);
    collect(
        ManagementVerticle.router(vertx, HealthChecks.create(vertx), HealthChecks.create(vertx)),
        "",
        served);

    Set<String> documented = operations(document).keySet();

    assertThat(served).as("routes served (METHOD path)").hasSizeGreaterThan(40);
    assertThat(documented)
        .as("operations in openapi.json")
        .containsExactlyInAnyOrderElementsOf(served);
  }

  /** Every operation, by {@code METHOD /path}. */
  private static Map<String, JsonObject> operations(JsonObject contract) {
    Map<String, JsonObject> operations = new TreeMap<>();
    contract.getJsonObject("paths").forEach(path -> {
      // a resolved document also holds the resolver's own string members
      if (path.getValue() instanceof JsonObject item) {
        item.forEach(member -> {
          if (METHODS.contains(member.getKey())) {
            operations.put(
                member.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(),
                (JsonObject) member.getValue());
          }
        });
      }
    });
    return operations;
  }

  /**
   * Every route with a path and methods, as {@code METHOD /path/{param}}; a route without either is a filter
   * (authentication, budgets, body limits, for every path or every POST) or the not-found fallback, and a
   * sub-router's routes are collected under its mount point.
   */
  private static void collect(Router router, String mountPoint, Set<String> routes) {
    for (Route route : router.getRoutes()) {
      String path = route.getPath() == null ? "" : route.getPath();
      if (route.getSubRouter() != null) {
        collect(route.getSubRouter(), mountPoint + path.replaceAll("/\\*?$", ""), routes);
      } else if (route.getPath() != null
          && route.methods() != null
          && !route.methods().isEmpty()) {
        // a prefix route (/docs/*) serves files below it, documented as one {asset} parameter
        String documented = (mountPoint + path).replaceAll(":(\\w+)", "{$1}")
            + (route.isExactPath() ? "" : "{asset}");
        route.methods().forEach(method -> routes.add(method.name() + " " + documented));
      }
    }
  }
}
