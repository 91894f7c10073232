package io.eventgateway.it;

import io.eventgateway.GatewayVertx;
import io.eventgateway.MainVerticle;
import io.eventgateway.bus.Addresses;
import io.eventgateway.config.BoundPorts;
import io.eventgateway.config.ConfigLoader;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A gateway deployed in this JVM in one role, as {@code java -jar event-gateway.jar run ROLE} would, against the
 * shared test Kafka and PostgreSQL. {@link #isolated(String)} gives a test class its own database, topics and
 * consumer group; {@link #start(JsonObject, String)} starts another process-like instance on the same ones.
 */
final class GatewayInstance implements AutoCloseable {

  private final Vertx vertx;
  private final MainVerticle main;
  private final JsonObject config;

  private final String adminKey;
  private boolean closed;

  private GatewayInstance(Vertx vertx, MainVerticle main, JsonObject config, String adminKey) {
    this.vertx = vertx;
    this.main = main;
    this.config = config;
    this.adminKey = adminKey;
  }

  /** A configuration of its own for one test class: fresh database, topics, consumer group and ports. */
  static JsonObject isolated(String name) {
    TestInfra infra = TestInfra.get();
    String suffix = name.toLowerCase() + "_" + UUID.randomUUID().toString().substring(0, 6);
    JsonObject config = ConfigLoader.load("test", Map.of());
    JsonObject kafka = config.getJsonObject("kafka");
    kafka.put("bootstrap.servers", infra.kafkaBootstrap());
    JsonObject topics = kafka.getJsonObject("topics");
    topics
        .fieldNames()
        .forEach(family -> topics.put(family, topics.getString(family) + "." + suffix));
    kafka.getJsonObject("consumer").put("group.id", "processor-" + suffix);
    config.getJsonObject("alerts").put("topic", "alerts." + suffix);
    config.getJsonObject("postgres").put("url", infra.createDatabase("gw_" + suffix));
    return withOwnPorts(config);
  }

  /**
   * The same configuration with ports of its own, for a second instance: port 0, which the servers bind to a port
   * the system chooses; {@link #config()} of the started instance holds the ports they got.
   */
  static JsonObject withOwnPorts(JsonObject config) {
    JsonObject copy = config.copy();
    copy.getJsonObject("http").put("port", 0);
    copy.getJsonObject("management").put("port", 0);
    return copy;
  }

  static GatewayInstance start(JsonObject config, String role) {
    return start(config, role, null);
  }

  /** As {@link #start(JsonObject, String)}, tracing into {@code openTelemetry} (or not, when {@code null}). */
  static GatewayInstance start(JsonObject config, String role, OpenTelemetry openTelemetry) {
    Vertx vertx = GatewayVertx.create(openTelemetry);
    MainVerticle main = new MainVerticle();
    String adminKey = null;
    try {
      vertx
          .deployVerticle(main, new DeploymentOptions().setConfig(config.copy().put("role", role)))
          .await(120, TimeUnit.SECONDS);
      if (!"processor".equals(role)) {
        adminKey = vertx
            .eventBus()
            .<JsonObject>request(
                Addresses.AUTH_KEYS_CREATE,
                new JsonObject().put("name", "it-admin").put("admin", true))
            .await(30, TimeUnit.SECONDS)
            .body()
            .getString("key");
      }
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("gateway role " + role + " did not start", e);
    }
    JsonObject bound = config.copy();
    bound.getJsonObject("http").put("port", BoundPorts.of(vertx, BoundPorts.HTTP));
    bound.getJsonObject("management").put("port", BoundPorts.of(vertx, BoundPorts.MANAGEMENT));
    return new GatewayInstance(vertx, main, bound, adminKey);
  }

  /** An admin API key of this gateway's database, created at start. */
  String adminKey() {
    return adminKey;
  }

  /** A client of this gateway's API, authenticated with {@link #adminKey()}. */
  ApiClient api() {
    return new ApiClient(apiUrl(), adminKey);
  }

  /** A client with a new key of {@code tenant}, which may read every family. */
  ApiClient keyOf(String name, String tenant) {
    ApiClient.Response created = api()
        .post(
            "/v1/admin/keys",
            "application/json",
            new JsonObject()
                .put("name", name)
                .put("tenant", tenant)
                .put("read", "*")
                .encode());
    if (created.status() != 201 || !tenant.equals(created.json().getString("tenant"))) {
      throw new AssertionError("creating a key of " + tenant + ": " + created.body());
    }
    return new ApiClient(apiUrl(), created.json().getString("key"));
  }

  /** The configuration it runs with, its ports those its servers bound ({@code null} for a server it lacks). */
  JsonObject config() {
    return config;
  }

  String apiUrl() {
    return "http://127.0.0.1:" + config.getJsonObject("http").getInteger("port");
  }

  String managementUrl() {
    return "http://127.0.0.1:" + config.getJsonObject("management").getInteger("port");
  }

  String topic(String family) {
    return config.getJsonObject("kafka").getJsonObject("topics").getString(family);
  }

  Connection database() {
    try {
      return DriverManager.getConnection(
          TestInfra.jdbcUrl(config.getJsonObject("postgres").getString("url")));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  /** Drains and stops the instance; closing it again does nothing. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      main.drain().await(60, TimeUnit.SECONDS);
      vertx.close().await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // what each thread waits on is the only account of a stop that hangs once in many runs
      System.out.println("gateway did not stop; its threads:\n" + threadDump());
      throw new IllegalStateException("gateway did not stop", e);
    }
  }

  private static String threadDump() {
    StringBuilder dump = new StringBuilder();
    Thread.getAllStackTraces().forEach((thread, frames) -> {
      dump.append('"')
          .append(thread.getName())
          .append("\" ")
          .append(thread.getState())
          .append('\n');
      for (StackTraceElement frame : frames) {
        dump.append("    at ").append(frame).append('\n');
      }
    });
    return dump.toString();
  }
}
