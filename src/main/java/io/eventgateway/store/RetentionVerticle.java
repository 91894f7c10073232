package io.eventgateway.store;

import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.PostgresConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the day partitions of {@code events}: at start and every {@code storage.maintenanceIntervalSeconds} it
 * creates today's and the next two days' (so that midnight never waits on DDL), and when
 * {@code storage.retentionDays} is above 0 drops the days before today minus that many. Every processor node runs
 * it; the database lets one at a time change partitions. The rollups keep counting what retention dropped.
 */
@ConfigSections({"storage", "postgres"})
public class RetentionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionVerticle.class);
  private static final int DAYS_AHEAD = 2;

  private EventPartitions partitions;
  private int retentionDays;

  @Override
  public Future<?> start() {
    JsonObject storage = config().getJsonObject("storage");
    retentionDays = storage.getInteger("retentionDays");
    partitions = new EventPartitions(PgPools.node(vertx, PostgresConfig.in(config())));
    vertx.setPeriodic(
        storage.getLong("maintenanceIntervalSeconds") * 1000,
        tick -> maintain()
            .onFailure(error -> LOG.warn(
                "Partition maintenance failed (tried again in the next interval): {}",
                error.getMessage())));
    return maintain();
  }

  private Future<?> maintain() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Future<Void> ahead =
        partitions.ensure(today.datesUntil(today.plusDays(DAYS_AHEAD + 1)).toList());
    if (retentionDays <= 0) {
      return ahead;
    }
    LocalDate firstKept = today.minusDays(retentionDays);
    return ahead
        .compose(created -> partitions.dropBefore(firstKept))
        .onSuccess(dropped -> logDropped(dropped, firstKept));
  }

  private void logDropped(List<String> dropped, LocalDate firstKept) {
    if (!dropped.isEmpty()) {
      LOG.info(
          "Retention ({} days): dropped {} (events stamped before {})",
          retentionDays,
          dropped,
          firstKept);
    }
  }
}
