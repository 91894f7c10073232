package io.eventgateway.dev;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What dev mode runs beside the gateway: an embedded Kafka broker and, unless a database URL is given, a private
 * PostgreSQL, both keeping their data under {@code dev.dataDir} so that a restarted dev gateway resumes.
 */
public final class DevStack implements AutoCloseable {

  private final FileChannel lock;
  private final EmbeddedKafka kafka;
  private final EmbeddedPostgresServer postgres;

  private DevStack(FileChannel lock, EmbeddedKafka kafka, EmbeddedPostgresServer postgres) {
    this.lock = lock;
    this.kafka = kafka;
    this.postgres = postgres;
  }

  /**
   * @param fresh delete the data of earlier runs first
   * @param startPostgres {@code false} when an external database is configured
   * @param startKafka {@code false} when an external broker is configured
   */
  public static DevStack start(
      JsonObject dev, boolean fresh, boolean startPostgres, boolean startKafka) {
    Path dataDir = Path.of(dev.getString("dataDir"));
    // holding the lock proves no other dev gateway uses the directory, so a server found running
    // there is orphaned
    FileChannel lock = lock(dataDir);
    if (fresh) {
      EmbeddedPostgresServer.stopOrphan(dataDir.resolve("postgres"));
      deleteRecursively(dataDir.resolve("postgres"));
      if (startKafka) {
        deleteRecursively(dataDir.resolve("kafka"));
      }
    }
    EmbeddedPostgresServer postgres = startPostgres
        ? EmbeddedPostgresServer.start(
            dataDir.resolve("postgres"), dev.getInteger("postgresPort"), false)
        : null;
    EmbeddedKafka kafka = startKafka
        ? EmbeddedKafka.start(
            dataDir.resolve("kafka"),
            dev.getInteger("kafkaPort"),
            dev.getInteger("kafkaControllerPort"))
        : null;
    return new DevStack(lock, kafka, postgres);
  }

  private static FileChannel lock(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      FileChannel channel = FileChannel.open(
          dataDir.resolve("dev.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (channel.tryLock() == null) {
        channel.close();
        throw new IllegalStateException("another dev gateway is running on "
            + dataDir.toAbsolutePath() + "; stop it first (Ctrl-C)");
      }
      return channel;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + dataDir, e);
    }
  }

  /** The embedded broker's address; only when this stack started one. */
  public String kafkaBootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The private database's URL, or {@code null} when an external one is used. */
  public String postgresUrl() {
    return postgres == null ? null : postgres.url();
  }

  @Override
  public void close() {
    if (kafka != null) {
      kafka.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    try {
      lock.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
