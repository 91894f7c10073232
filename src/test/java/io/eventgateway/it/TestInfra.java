package io.eventgateway.it;

import io.eventgateway.dev.EmbeddedKafka;
import io.eventgateway.dev.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The real Kafka broker and the real PostgreSQL that the integration tests share, started once per test JVM by
 * the project's own code. {@code KAFKA_BOOTSTRAP} and {@code DATABASE_URL} point the tests at existing servers
 * instead. Each test class gets its own database and topics (see {@link GatewayInstance}).
 */
final class TestInfra {

  private static TestInfra instance;

  private final String kafkaBootstrap;
  private final String postgresAdminUrl;

  private TestInfra(String kafkaBootstrap, String postgresAdminUrl) {
    this.kafkaBootstrap = kafkaBootstrap;
    this.postgresAdminUrl = postgresAdminUrl;
  }

  static synchronized TestInfra get() {
    if (instance == null) {
      Path root = Path.of("target", "it-" + UUID.randomUUID().toString().substring(0, 8));
      String kafka = System.getenv("KAFKA_BOOTSTRAP");
      if (kafka == null) {
        EmbeddedKafka broker = EmbeddedKafka.start(root.resolve("kafka"), 0, 0);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        kafka = broker.bootstrapServers();
      }
      String postgres = System.getenv("DATABASE_URL");
      if (postgres == null) {
        EmbeddedPostgresServer server =
            EmbeddedPostgresServer.start(root.resolve("postgres"), 0, true);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        postgres = server.url();
      }
      instance = new TestInfra(kafka, postgres);
    }
    return instance;
  }

  String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  /** Creates an empty database and returns its URL. */
  String createDatabase(String name) {
    try (Connection connection = DriverManager.getConnection(jdbcUrl(postgresAdminUrl));
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return postgresAdminUrl.substring(0, postgresAdminUrl.lastIndexOf('/') + 1) + name;
  }

  /** {@code postgresql://user[:password]@host:port/db} as a JDBC URL. */
  static String jdbcUrl(String url) {
    String rest = url.substring(url.indexOf("://") + 3);
    String credentials = rest.contains("@") ? rest.substring(0, rest.indexOf('@')) : "";
    String hostAndDb = rest.substring(rest.indexOf('@') + 1);
    String user = credentials.contains(":")
        ? credentials.substring(0, credentials.indexOf(':'))
        : credentials;
    String password =
        credentials.contains(":") ? credentials.substring(credentials.indexOf(':') + 1) : "";
    return "jdbc:postgresql://" + hostAndDb + "?user=" + user
        + (password.isEmpty() ? "" : "&password=" + password);
  }
}
