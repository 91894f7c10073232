package io.eventgateway.it;

import static org.awaitility.Awaitility.await;

import io.eventgateway.dev.FreePorts;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway container, run with podman as a deployment runs the image: its own command and user, a read-only root
 * filesystem, a memory limit, the host's network (the tests' Kafka and PostgreSQL listen on 127.0.0.1), ports of its
 * own. Its log is kept in {@code target/container-NAME.log} when it is removed.
 */
final class GatewayContainer implements AutoCloseable {

  private final String name;
  private final int apiPort;
  private final int managementPort;

  private GatewayContainer(String name, int apiPort, int managementPort) {
    this.name = name;
    this.apiPort = apiPort;
    this.managementPort = managementPort;
  }

  /** Starts {@code role} from {@code image} against {@code config}'s Kafka, database, topics and group; waits until ready. */
  static GatewayContainer start(
      String image, JsonObject config, String role, String name, String memory) {
    podman(Duration.ofSeconds(30), "rm", "-f", name);
    int[] ports = FreePorts.pick(2);
    List<String> command = new ArrayList<>(List.of(
        "run", "--detach", "--name", name, "--network", "host", "--read-only", "--memory", memory));
    Map<String, String> environment = GatewayProcess.environment(config);
    environment.put("GATEWAY_ROLE", role);
    // the image's own environment (docker), on the loopback only: the containers share the host's
    // network
    environment.put("GATEWAY_HTTP_HOST", "127.0.0.1");
    environment.put("GATEWAY_MANAGEMENT_HOST", "127.0.0.1");
    environment.put("GATEWAY_HTTP_PORT", String.valueOf(ports[0]));
    environment.put("GATEWAY_MANAGEMENT_PORT", String.valueOf(ports[1]));
    environment.forEach((key, value) -> command.addAll(List.of("--env", key + "=" + value)));
    command.add(image);
    Result started = podman(Duration.ofSeconds(60), command.toArray(String[]::new));
    if (started.exitCode() != 0) {
      throw new AssertionError("podman run " + name + " failed: " + started.output());
    }
    GatewayContainer container = new GatewayContainer(name, ports[0], ports[1]);
    ApiClient management = new ApiClient(container.managementUrl());
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
      if (!container.running()) {
        throw new AssertionError(name + " exited: " + container.logs());
      }
      try {
        return management.get("/health/ready").status() == 200;
      } catch (IllegalStateException notListening) {
        return false;
      }
    });
    return container;
  }

  String name() {
    return name;
  }

  String apiUrl() {
    return "http://127.0.0.1:" + apiPort;
  }

  String managementUrl() {
    return "http://127.0.0.1:" + managementPort;
  }

  boolean running() {
    Result state =
        podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Running}}", name);
    return state.exitCode() == 0 && state.output().strip().equals("true");
  }

  /** {@code podman healthcheck run}: the image's HEALTHCHECK once, its exit code (0 healthy). */
  int healthcheck() {
    return podman(Duration.ofSeconds(30), "healthcheck", "run", name).exitCode();
  }

  /** Sends a signal to the container's main process (the JVM). */
  void signal(String signal) {
    expectSuccess(podman(Duration.ofSeconds(30), "kill", "--signal", signal, name));
  }

  /** {@code podman stop}: the image's STOPSIGNAL, then SIGKILL after {@code graceSeconds}; the time it took. */
  Duration stop(int graceSeconds) {
    long started = System.nanoTime();
    expectSuccess(podman(
        Duration.ofSeconds(graceSeconds + 30L),
        "stop",
        "--time",
        String.valueOf(graceSeconds),
        name));
    return Duration.ofNanos(System.nanoTime() - started);
  }

  int exitCode() {
    return Integer.parseInt(
        podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.ExitCode}}", name)
            .output()
            .strip());
  }

  /** Runs {@code command} inside the running container. */
  Result exec(String... command) {
    List<String> arguments = new ArrayList<>(List.of("exec", name));
    arguments.addAll(List.of(command));
    return podman(Duration.ofSeconds(60), arguments.toArray(String[]::new));
  }

  String logs() {
    return podman(Duration.ofSeconds(30), "logs", name).output();
  }

  @Override
  public void close() throws IOException {
    Files.writeString(Path.of("target", "container-" + name + ".log"), logs());
    podman(Duration.ofSeconds(60), "rm", "--force", "--time", "0", name);
  }

  record Result(int exitCode, String output) {}

  static Result podman(Duration timeout, String... arguments) {
    List<String> command = new ArrayList<>(List.of("podman"));
    command.addAll(List.of(arguments));
    try {
      Path output = Files.createTempFile("podman", ".out");
      try {
        Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("timed out after " + timeout + ": " + command);
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
      } finally {
        Files.delete(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void expectSuccess(Result result) {
    if (result.exitCode() != 0) {
      throw new AssertionError("podman failed: " + result.output());
    }
  }
}
