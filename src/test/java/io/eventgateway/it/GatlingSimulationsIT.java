package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code mvn … gatling:test} line of {@code loadtest/README.md}, run as written from {@code loadtest/} against a
 * gateway started for it, at a smoke rate for a few seconds: a dependency change that breaks the Gatling build (such
 * as two netty versions on its classpath) or a simulation that fails its own assertions fails this test.
 */
@DisplayName("The Gatling simulations of loadtest/README.md")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatlingSimulationsIT {

  private static final Path LOADTEST = Path.of("loadtest");
  private static final Pattern README_COMMAND =
      Pattern.compile("^mvn -B gatling:test .*$", Pattern.MULTILINE);
  private static final Pattern REPORT = Pattern.compile("file://(\\S+/index\\.html)");
  /** A few seconds at a low rate: enough to prove a simulation runs and its assertions hold; not a load test. */
  private static final Map<String, String> SMOKE =
      Map.of("rate", "5", "duration", "3", "connections", "2", "events", "50");

  private GatewayInstance gateway;
  private final List<Path> reports = new ArrayList<>();

  @BeforeAll
  void startGateway() {
    gateway = GatewayInstance.start(GatewayInstance.isolated("gatling"), "all");
  }

  @AfterAll
  void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

  static List<String> readmeCommands() throws IOException {
    Matcher matcher = README_COMMAND.matcher(Files.readString(LOADTEST.resolve("README.md")));
    List<String> commands = new ArrayList<>();
    while (matcher.find()) {
      commands.add(matcher.group());
    }
    return commands;
  }

  @Test
  @Order(1)
  @DisplayName("the README lists a command for every simulation in loadtest/")
  void everySimulationHasACommand() throws IOException {
    List<String> simulations;
    try (var files = Files.list(LOADTEST.resolve("src/test/java/io/eventgateway/loadtest"))) {
      simulations = files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith("Simulation.java"))
          .map(name -> name.replace(".java", ""))
          .toList();
    }
    assertThat(simulations).isNotEmpty();
    String commands = String.join("\n", readmeCommands());
    assertThat(simulations)
        .allSatisfy(simulation -> assertThat(commands).contains("." + simulation + " "));
  }

  @ParameterizedTest(name = "{0}")
  @Order(2)
  @MethodSource("readmeCommands")
  @DisplayName(
      "runs at a smoke rate, passes its assertions and writes target/gatling/<simulation>-<time>/index.html")
  void runs(String readmeCommand) throws Exception {
    List<String> command = smoke(readmeCommand);
    command.add("-DbaseUrl=" + gateway.apiUrl());
    String simulation = property(readmeCommand, "simulation");
    Path log = Path.of(
            "target",
            "gatling-" + (reports.size() + 1) + "-"
                + simulation.substring(simulation.lastIndexOf('.') + 1) + ".log")
        .toAbsolutePath();
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(LOADTEST.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    // in the environment, where the simulations look for it, so that the key is in no command line
    // or message
    builder.environment().put("GATEWAY_API_KEY", gateway.adminKey());
    Process maven = builder.start();
    // the first run also downloads Gatling and compiles the simulations
    if (!maven.waitFor(10, TimeUnit.MINUTES)) {
      maven.destroyForcibly();
      throw new AssertionError("did not end within 10 minutes: " + command + "; see " + log);
    }
    String output = Files.readString(log);
    assertThat(maven.exitValue())
        .as("exit code of %s; its output (%s) ends:%n%s", command, log, tail(output))
        .isZero();

    Matcher report = REPORT.matcher(output);
    assertThat(report.find()).as("a report path in the output of %s", command).isTrue();
    Path index = Path.of(report.group(1));
    assertThat(index).isNotEmptyFile();
    assertThat(index.getParent().getParent())
        .isEqualTo(LOADTEST.resolve("target/gatling").toAbsolutePath());
    assertThat(index.getParent().getFileName().toString())
        .matches(simulation.substring(simulation.lastIndexOf('.') + 1).toLowerCase() + "-\\d{17}");
    reports.add(index);
  }

  @Test
  @Order(3)
  @DisplayName(
      "a report page renders in headless Chromium; its screenshot is kept in target/gatling-report.png")
  void reportScreenshot() throws Exception {
    HeadlessChromium.assumeInstalled();
    assertThat(reports).as("reports written by the runs above").isNotEmpty();
    Path screenshot = Path.of("target", "gatling-report.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    String dom = HeadlessChromium.render(reports.get(0).toUri().toString(), "--dump-dom");
    assertThat(dom)
        .as("the report's global statistics")
        .contains("Global Information")
        .contains("Response Time");
    HeadlessChromium.render(reports.get(0).toUri().toString(), "--screenshot=" + screenshot);
    assertThat(screenshot).isNotEmptyFile();
  }

  /** The README's command with its load properties lowered to {@link #SMOKE}, the others as written. */
  private static List<String> smoke(String readmeCommand) {
    Map<String, String> properties = new LinkedHashMap<>();
    List<String> command = new ArrayList<>();
    for (String word : readmeCommand.split("\\s+")) {
      if (word.startsWith("-D")) {
        String[] keyValue = word.substring(2).split("=", 2);
        properties.put(keyValue[0], keyValue[1]);
      } else {
        command.add(word);
      }
    }
    command.set(0, maven());
    SMOKE.forEach((key, value) -> properties.computeIfPresent(key, (present, asWritten) -> value));
    properties.putIfAbsent("duration", SMOKE.get("duration"));
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    return command;
  }

  private static String property(String command, String key) {
    return Arrays.stream(command.split("\\s+"))
        .filter(word -> word.startsWith("-D" + key + "="))
        .map(word -> word.substring(key.length() + 3))
        .findFirst()
        .orElseThrow();
  }

  /** The Maven running this build where it says so, else {@code mvn} on the PATH. */
  private static String maven() {
    String home = System.getProperty("maven.home");
    return home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))
        ? Path.of(home, "bin", "mvn").toString()
        : "mvn";
  }

  private static String tail(String output) {
    List<String> lines = output.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
