package io.eventgateway.store;

import io.eventgateway.config.PostgresConfig;
import io.vertx.pgclient.PgConnectOptions;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the schema migrations in {@code src/main/resources/db/migration} with Flyway. Blocking (JDBC): run it
 * once at start on a worker thread, before any pool opens. Flyway's lock makes concurrent starts of several
 * gateway processes safe.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static void migrate(PostgresConfig postgres) {
    PgConnectOptions options = PgPools.connectOptions(postgres);
    String jdbcUrl = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/"
        + options.getDatabase();
    MigrateResult result = Flyway.configure()
        .dataSource(jdbcUrl, options.getUser(), options.getPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    LOG.info(
        "Database {} at schema version {} ({} migrations applied)",
        jdbcUrl,
        result.targetSchemaVersion,
        result.migrationsExecuted);
  }
}
