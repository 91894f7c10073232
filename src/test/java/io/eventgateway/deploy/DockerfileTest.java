package io.eventgateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.config.ConfigLoader;
import io.eventgateway.deploy.Dockerfile.Instruction;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The rules the {@code Dockerfile} must keep, checked without a Docker engine (none runs here); and, where Node.js
 * is installed, the {@code dockerfile-utils} linter (the one behind VS Code's Dockerfile support) over it.
 */
@DisplayName("The Dockerfile")
class DockerfileTest {

  private static final Path PATH = Path.of("Dockerfile");
  private static final String LINTER = "dockerfile-utils@0.16.3";

  private final Dockerfile dockerfile = Dockerfile.read(PATH);

  @Test
  @DisplayName("builds in a Maven stage with a dependency layer, then runs on a pinned JRE image")
  void multiStage() {
    List<Instruction> froms = dockerfile.all("FROM");
    assertThat(froms).hasSize(2);
    assertThat(froms.get(0).arguments()).matches("maven:3\\.9[\\w.-]*-eclipse-temurin-17 AS build");
    assertThat(froms.get(1).arguments())
        .as("a JRE, not a JDK, with a tag that is not latest")
        .matches("eclipse-temurin:17[\\w.-]*-jre[\\w.-]*|eclipse-temurin:17-jre")
        .doesNotContain("latest");
    List<String> build = dockerfile.instructions().stream()
        .filter(instruction -> instruction.stage() == 0)
        .map(instruction -> instruction.keyword() + " " + instruction.arguments())
        .toList();
    int pom = build.indexOf("COPY pom.xml ./");
    int dependencies = indexOf(build, "RUN mvn -B -q dependency:go-offline");
    int sources = indexOf(build, "COPY src/main/ src/main/");
    assertThat(pom).as("pom.xml copied alone first").isPositive();
    assertThat(dependencies)
        .as("dependencies resolved in their own layer, before the sources")
        .isGreaterThan(pom)
        .isLessThan(sources);
    assertThat(dockerfile.effective("COPY").orElseThrow().arguments())
        .isEqualTo("--from=build --chown=10001:10001 /build/target/event-gateway.jar "
            + Dockerfile.IMAGE_JAR);
  }

  @Test
  @DisplayName("copies only paths that exist, and keeps target/ out of the build context")
  void copiesExistingPaths() throws Exception {
    dockerfile.all("COPY").stream()
        .filter(copy -> !copy.arguments().startsWith("--from"))
        .forEach(copy -> {
          String[] words = copy.arguments().split("\\s+");
          Arrays.stream(words, 0, words.length - 1)
              .forEach(source -> assertThat(Path.of(source)).exists());
        });
    assertThat(Files.readAllLines(Path.of(".dockerignore"))).contains("target/", ".git/");
  }

  @Test
  @DisplayName("runs as a fixed non-root user")
  void nonRoot() {
    Instruction user = dockerfile.effective("USER").orElseThrow();
    assertThat(user.arguments()).matches("[1-9]\\d{3,}(:[1-9]\\d{3,})?");
    assertThat(dockerfile.instructions().indexOf(user))
        .isLessThan(
            dockerfile.instructions().indexOf(dockerfile.effective("ENTRYPOINT").orElseThrow()));
  }

  @Test
  @DisplayName(
      "runs java as PID 1 (exec form, so SIGTERM reaches it) with container-aware memory and exit on OOM")
  void entrypoint() {
    List<String> entrypoint = dockerfile.entrypoint();
    assertThat(entrypoint).as("exec form").isNotEmpty();
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint)
        .anyMatch(word -> word.matches("-XX:MaxRAMPercentage=\\d+(\\.\\d+)?"))
        .contains("-XX:+ExitOnOutOfMemoryError")
        .noneMatch(word -> word.startsWith("-Xmx"))
        .endsWith("-jar", Dockerfile.IMAGE_JAR, "run");
    assertThat(dockerfile.effective("CMD"))
        .as("the role comes from GATEWAY_ROLE, not a CMD")
        .isEmpty();
    assertThat(dockerfile.effective("STOPSIGNAL").orElseThrow().arguments()).isEqualTo("SIGTERM");
    assertThat(dockerfile.effective("ENV").orElseThrow().arguments())
        .contains("GATEWAY_ROLE=all")
        .contains("GATEWAY_ENV=docker");
  }

  @Test
  @DisplayName(
      "checks liveness on the configured management port with curl, and exposes the configured ports")
  void healthAndPorts() {
    String healthcheck = dockerfile.effective("HEALTHCHECK").orElseThrow().arguments();
    assertThat(healthcheck)
        .contains("--interval=")
        .contains("--timeout=")
        .contains("--start-period=");
    JsonObject config = ConfigLoader.load("docker", Map.of());
    int management = config.getJsonObject("management").getInteger("port");
    assertThat(dockerfile.healthcheck()).startsWith("/bin/sh", "-c");
    assertThat(dockerfile.healthcheck().get(2))
        .startsWith("curl -fsS --max-time 4 ")
        .contains("http://127.0.0.1:${GATEWAY_MANAGEMENT_PORT:-" + management + "}/health/live")
        .endsWith("|| exit 1");
    assertThat(dockerfile.effective("EXPOSE").orElseThrow().arguments().split(" "))
        .containsExactlyInAnyOrder(
            String.valueOf(config.getJsonObject("http").getInteger("port")),
            String.valueOf(management));
  }

  @Test
  @DisplayName("passes the dockerfile-utils linter")
  void lint() throws Exception {
    Assumptions.assumeTrue(onPath("npx"), "Node.js (npx) is not installed: the linter is skipped");
    // npm's own notices go to stderr; the linter reports on stdout
    Process lint = new ProcessBuilder("npx", "--yes", LINTER, "lint", PATH.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String output = new String(lint.getInputStream().readAllBytes());
    assertThat(lint.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(lint.exitValue()).as(output).isZero();
    assertThat(output).as("no warnings either").isBlank();
  }

  private static int indexOf(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean onPath(String command) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
