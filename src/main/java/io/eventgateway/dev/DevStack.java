package io.eventgateway.dev;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What dev mode runs beside the gateway: an embedded Kafka broker and, unless a database URL is given, a private
 * PostgreSQL, both keeping their data under {@code dev.dataDir} so that a restarted dev gateway resumes.
 */
public final class DevStack implements AutoCloseable {

  private final EmbeddedKafka kafka;
  private final EmbeddedPostgresServer postgres;

  private DevStack(EmbeddedKafka kafka, EmbeddedPostgresServer postgres) {
    this.kafka = kafka;
    this.postgres = postgres;
  }

  /**
   * @param fresh delete the data of earlier runs first
   * @param startPostgres {@code false} when an external database is configured
   */
  public static DevStack start(JsonObject dev, boolean fresh, boolean startPostgres) {
    Path dataDir = Path.of(dev.getString("dataDir"));
    if (fresh) {
      EmbeddedPostgresServer.stopOrphan(dataDir.resolve("postgres"));
      deleteRecursively(dataDir);
    }
    EmbeddedPostgresServer postgres = startPostgres
        ? EmbeddedPostgresServer.start(dataDir.resolve("postgres"), dev.getInteger("postgresPort"), false)
        : null;
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), dev.getInteger("kafkaPort"),
        dev.getInteger("kafkaControllerPort"));
    return new DevStack(kafka, postgres);
  }

  public String kafkaBootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The private database's URL, or {@code null} when an external one is used. */
  public String postgresUrl() {
    return postgres == null ? null : postgres.url();
  }

  @Override
  public void close() {
    kafka.close();
    if (postgres != null) {
      postgres.close();
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
