package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The image as it ships: built from the unchanged Dockerfile by {@code deploy/podman/build.sh} (which makes the
 * Dockerfile's base images from Debian's packages where no registry can be reached), then two {@code ingest} and
 * two {@code processor} containers (read-only root filesystem, uid 10001, a 512 MiB memory limit) against the
 * tests' Kafka and PostgreSQL, under a bounded load over both ingest containers, while one processor is killed,
 * one ingest container is stopped with SIGTERM, and a third processor joins. Skipped, saying why, where podman
 * cannot run.
 */
@DisplayName("Containers: the image built with podman, scaled out and broken under load")
class ContainerIT {

  private static final String IMAGE = "localhost/event-gateway:it";
  private static final String RUNTIME_BASE = "docker.io/library/eclipse-temurin:17-jre";
  private static final String MEMORY = "512m";
  private static final long MEMORY_BYTES = 512L * 1024 * 1024;
  /** Today's jar was 145,859,360 bytes before the runtime jar left dev mode's stack out: the image adds at most a third. */
  private static final long MAX_IMAGE_OVER_JRE_BYTES = 145_859_360L / 3;

  private static final String ROWS_STORED = "gateway_pg_batch_size_sum";
  private static final int STOP_GRACE_SECONDS = 40;

  @BeforeAll
  static void buildImage() throws Exception {
    GatewayContainer.Result podman;
    try {
      podman = GatewayContainer.podman(
          Duration.ofSeconds(60), "info", "--format", "{{.Host.OCIRuntime.Name}}");
    } catch (RuntimeException notInstalled) {
      podman = new GatewayContainer.Result(-1, String.valueOf(notInstalled.getMessage()));
    }
    String reason = "podman cannot run here (" + podman.output().strip()
        + "): .ci/run installs podman, runc and debootstrap and writes /etc/containers/containers.conf";
    if (podman.exitCode() != 0) {
      System.out.println("CONTAINERS skipped: " + reason);
    }
    Assumptions.assumeTrue(podman.exitCode() == 0, reason);
    boolean baseImagesThere =
        GatewayContainer.podman(Duration.ofSeconds(30), "image", "exists", RUNTIME_BASE)
                .exitCode()
            == 0;
    boolean canMakeThem = "root".equals(System.getProperty("user.name"))
        && Files.isExecutable(Path.of("/usr/sbin/debootstrap"));
    if (!baseImagesThere && !canMakeThem) {
      System.out.println("CONTAINERS skipped: making the base images needs root and debootstrap");
    }
    Assumptions.assumeTrue(
        baseImagesThere || canMakeThem,
        RUNTIME_BASE
            + " is not there, and making it (deploy/podman/build.sh) needs root and debootstrap");

    Path log = Path.of("target", "container-build.log");
    long started = System.nanoTime();
    ProcessBuilder builder = new ProcessBuilder("deploy/podman/build.sh")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("IMAGE", IMAGE);
    Process build = builder.start();
    build.getOutputStream().close();
    assertThat(build.waitFor(30, TimeUnit.MINUTES))
        .as("image build within 30 minutes")
        .isTrue();
    assertThat(build.exitValue()).as("deploy/podman/build.sh, see " + log).isZero();
    System.out.printf(
        "CONTAINERS image built in %d s (base images and the Dockerfile's two stages; see %s)%n",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), log);
  }

  @Test
  @DisplayName(
      "every acknowledged event is stored once through a killed processor, a stopped ingest container and a new processor")
  void scaledOutAndBroken() throws Exception {
    long image = imageSize(IMAGE);
    long jre = imageSize(RUNTIME_BASE);
    System.out.printf(
        "CONTAINERS image %.1f MB = JRE base %.1f MB + %.1f MB%n",
        image / 1e6, jre / 1e6, (image - jre) / 1e6);
    assertThat(image - jre)
        .as("what the image adds to the JRE")
        .isLessThanOrEqualTo(MAX_IMAGE_OVER_JRE_BYTES);

    JsonObject config = GatewayInstance.isolated("containers");
    String key = GatewayProcess.createAdminKey(config, "containers-load");
    long startAt = System.nanoTime();
    try (GatewayContainer ingestA = start(config, "ingest", "eg-it-ingest-a");
        GatewayContainer ingestB = start(config, "ingest", "eg-it-ingest-b");
        GatewayContainer processorA = start(config, "processor", "eg-it-processor-a");
        GatewayContainer processorB = start(config, "processor", "eg-it-processor-b")) {
      System.out.printf(
          "CONTAINERS four containers ready %d s after the first podman run%n",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startAt));

      assertThat(ingestA.exec("id", "-u").output().strip()).as("user").isEqualTo("10001");
      assertThat(ingestA.exec("touch", "/app/written").exitCode())
          .as("read-only root")
          .isNotZero();
      // the heap pools' maxima: G1 gives its limit to the old generation; the serial collector,
      // which the JVM
      // picks below 1792 MB, splits it over its generations (one survivor space short of the limit)
      double heapMax =
          PrometheusText.series(ingestA.managementUrl(), "jvm_memory_max_bytes").stream()
              .filter(line -> line.contains("area=\"heap\""))
              .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
              .filter(max -> max > 0)
              .sum();
      System.out.printf(
          "CONTAINERS heap limit %.0f MiB under a %s memory limit%n", heapMax / 1048576, MEMORY);
      assertThat(heapMax)
          .as("the JVM sizes its heap from the container's limit (MaxRAMPercentage=75)")
          .isBetween(0.6 * MEMORY_BYTES, 0.75 * MEMORY_BYTES);

      assertThat(ingestA.healthcheck()).as("healthcheck of a serving container").isZero();
      ingestA.signal("STOP");
      int frozen = ingestA.healthcheck();
      ingestA.signal("CONT");
      assertThat(frozen)
          .as("healthcheck of a container whose JVM does not answer")
          .isNotZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> ingestA.healthcheck() == 0);

      AtomicLong requests = new AtomicLong();
      List<GatewayContainer> ingest = List.of(ingestA, ingestB);
      try (FaultLoad load = new FaultLoad(
          () -> ingest.get((int) (requests.getAndIncrement() % 2)).apiUrl(), key, 4, 20)) {
        load.start(Duration.ofSeconds(30), Duration.ofSeconds(90));
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> PrometheusText.sum(processorA.managementUrl(), ROWS_STORED) > 500
                && PrometheusText.sum(processorB.managementUrl(), ROWS_STORED) > 500);

        processorA.signal("KILL");
        assertThat(processorA.healthcheck())
            .as("healthcheck of a killed container")
            .isNotZero();
        Duration drained = ingestB.stop(STOP_GRACE_SECONDS);
        int stoppedExit = ingestB.exitCode();
        try (GatewayContainer processorC = start(config, "processor", "eg-it-processor-c")) {
          load.awaitClients();
          try (Connection connection = DriverManager.getConnection(
              TestInfra.jdbcUrl(config.getJsonObject("postgres").getString("url")))) {
            FaultLoad.Counts counts = load.assertNothingLost("containers", connection);
            System.out.printf(
                "CONTAINERS ingest B stopped (SIGTERM) in %d ms, exit %d; rows stored by processor B=%.0f,"
                    + " C (started after the kill)=%.0f; %s%n",
                drained.toMillis(),
                stoppedExit,
                PrometheusText.sum(processorB.managementUrl(), ROWS_STORED),
                PrometheusText.sum(processorC.managementUrl(), ROWS_STORED),
                counts);
            assertThat(counts.stored()).isEqualTo(counts.acknowledged());
          }
        }
        assertThat(drained)
            .as(
                "the stopped container drained within its grace period, not killed at the end of it")
            .isLessThan(Duration.ofSeconds(STOP_GRACE_SECONDS - 5));
        assertThat(stoppedExit)
            .as("exit code after SIGTERM (137 would be SIGKILL)")
            .isNotEqualTo(137);
      }
    }
  }

  private static GatewayContainer start(JsonObject config, String role, String name) {
    return GatewayContainer.start(IMAGE, config, role, name, MEMORY);
  }

  private static long imageSize(String image) {
    return Long.parseLong(GatewayContainer.podman(
            Duration.ofSeconds(30), "image", "inspect", "--format", "{{.Size}}", image)
        .output()
        .strip());
  }
}
