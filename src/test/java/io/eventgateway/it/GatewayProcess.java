package io.eventgateway.it;

import static org.awaitility.Awaitility.await;

import io.eventgateway.deploy.Dockerfile;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway as its own operating-system process, started with the container image's own command (the
 * Dockerfile's ENTRYPOINT, {@code java … -jar event-gateway.jar run}, on the built jar), its role and configuration
 * in {@code GATEWAY_*} variables as a container gets them: for scaling out, and for the faults a JVM cannot inflict
 * on itself, {@code SIGKILL} and {@code SIGTERM}.
 */
final class GatewayProcess implements AutoCloseable {

  static final Path JAR = Path.of("target", "event-gateway.jar");

  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private static final Pattern BANNER_API =
      Pattern.compile("(?m)^  API: +http://127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern BANNER_MANAGEMENT =
      Pattern.compile("(?m)^  Management: +http://127\\.0\\.0\\.1:(\\d+)");

  private static final Dockerfile IMAGE = Dockerfile.read(Path.of("Dockerfile"));

  private final Process process;
  private final Path log;
  private final JsonObject config;

  private GatewayProcess(Process process, Path log, JsonObject config) {
    this.process = process;
    this.log = log;
    this.config = config;
  }

  /**
   * Starts {@code role} with {@code config}'s Kafka, database, topics and group, on ports the system chooses (read
   * back from the banner the process prints), and waits until ready.
   */
  static GatewayProcess start(
      JsonObject config, String role, String name, Map<String, String> extraEnvironment) {
    return start(config, role, name, extraEnvironment, "384m");
  }

  /** As {@link #start(JsonObject, String, String, Map)}, with a maximum heap ({@code -Xmx}) of {@code heap}. */
  static GatewayProcess start(
      JsonObject config,
      String role,
      String name,
      Map<String, String> extraEnvironment,
      String heap) {
    Path log = Path.of("target", "fault-" + name + ".log");
    List<String> command = new ArrayList<>(Dockerfile.onThisMachine(IMAGE.entrypoint(), JAVA, JAR));
    command.add(1, "-Xmx" + heap);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment(config));
    builder.environment().put("GATEWAY_ROLE", role);
    builder.environment().put("GATEWAY_ENV", "test");
    builder.environment().putAll(extraEnvironment);
    try {
      long logStart = Files.exists(log) ? Files.size(log) : 0;
      Process process = builder.start();
      GatewayProcess gateway =
          new GatewayProcess(process, log, boundPorts(config, process, log, logStart));
      ApiClient management = new ApiClient(gateway.managementUrl());
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> {
            if (!gateway.process.isAlive()) {
              throw new AssertionError(
                  "gateway process exited with " + gateway.process.exitValue() + "; see " + log);
            }
            try {
              return management.get("/health/ready").status() == 200;
            } catch (IllegalStateException notListening) {
              return false;
            }
          });
      return gateway;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code config} with the ports of the banner a starting process printed into {@code log} after {@code logStart}. */
  private static JsonObject boundPorts(
      JsonObject config, Process process, Path log, long logStart) {
    JsonObject bound = config.copy();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
      if (!process.isAlive()) {
        throw new AssertionError(
            "gateway process exited with " + process.exitValue() + "; see " + log);
      }
      String output;
      try (var in = Files.newInputStream(log)) {
        in.skipNBytes(logStart);
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Matcher management = BANNER_MANAGEMENT.matcher(output);
      if (!management.find()) {
        return false;
      }
      Matcher api = BANNER_API.matcher(output);
      bound.getJsonObject("management").put("port", Integer.parseInt(management.group(1)));
      bound.getJsonObject("http").put("port", api.find() ? Integer.parseInt(api.group(1)) : null);
      return true;
    });
    return bound;
  }

  /** {@code java -jar event-gateway.jar keys create --name NAME --admin}: the printed key. */
  static String createAdminKey(JsonObject config, String name) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(
            command("-Xmx128m", "keys", "create", "--name", name, "--admin", "--env", "test"))
        .redirectErrorStream(true);
    builder.environment().putAll(environment(config));
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("keys create failed: " + output);
    }
    return output
        .lines()
        .filter(line -> line.startsWith("key: "))
        .map(line -> line.substring(5).trim())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no key printed: " + output));
  }

  /**
   * The image's HEALTHCHECK command against this node's management port.
   *
   * @return its exit code: 0 healthy
   */
  int imageHealthcheck() throws Exception {
    List<String> command = Dockerfile.onThisMachine(IMAGE.healthcheck(), JAVA, JAR);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder
        .environment()
        .put(
            "GATEWAY_MANAGEMENT_PORT",
            String.valueOf(config.getJsonObject("management").getInteger("port")));
    Process probe = builder.start();
    probe.getInputStream().transferTo(OutputStream.nullOutputStream());
    if (!probe.waitFor(60, TimeUnit.SECONDS)) {
      probe.destroyForcibly();
      throw new AssertionError("the HEALTHCHECK command did not end: " + command);
    }
    return probe.exitValue();
  }

  private static List<String> command(String heap, String... arguments) {
    List<String> command =
        new ArrayList<>(List.of(JAVA, heap, "-XX:+ExitOnOutOfMemoryError", "-jar", JAR.toString()));
    command.addAll(List.of(arguments));
    return command;
  }

  /** What a gateway process or container needs to run against {@code config}'s Kafka, database, topics and group. */
  static Map<String, String> environment(JsonObject config) {
    JsonObject kafka = config.getJsonObject("kafka");
    Map<String, String> environment = new HashMap<>();
    environment.put("DATABASE_URL", config.getJsonObject("postgres").getString("url"));
    environment.put("GATEWAY_KAFKA_BOOTSTRAP_SERVERS", kafka.getString("bootstrap.servers"));
    environment.put(
        "GATEWAY_KAFKA_CONSUMER_GROUP_ID", kafka.getJsonObject("consumer").getString("group.id"));
    kafka
        .getJsonObject("topics")
        .forEach(topic -> environment.put(
            "GATEWAY_KAFKA_TOPICS_" + topic.getKey().toUpperCase(), (String) topic.getValue()));
    environment.put("GATEWAY_ALERTS_TOPIC", config.getJsonObject("alerts").getString("topic"));
    environment.put("GATEWAY_HTTP_PORT", "0");
    environment.put("GATEWAY_MANAGEMENT_PORT", "0");
    return environment;
  }

  /** The configuration it runs with, its ports those its servers bound. */
  JsonObject config() {
    return config;
  }

  String apiUrl() {
    return "http://127.0.0.1:" + config.getJsonObject("http").getInteger("port");
  }

  String managementUrl() {
    return "http://127.0.0.1:" + config.getJsonObject("management").getInteger("port");
  }

  boolean alive() {
    return process.isAlive();
  }

  /** {@code kill -9}: no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** {@code SIGTERM}; the process drains. */
  void terminate() {
    process.destroy();
  }

  /** @return the exit code, or {@code null} when it did not exit within {@code timeout} */
  Integer awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
