package io.eventgateway;

import io.eventgateway.auth.ApiKeyStore;
import io.eventgateway.auth.Caller;
import io.eventgateway.config.PostgresConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Dev mode's admin API key: kept in {@code <dataDir>/dev-api-key} (readable by its owner only) so that it stays
 * the same across dev restarts, and created again when the file is missing or the database was reset.
 */
final class DevApiKey {

  private DevApiKey() {}

  static String ensure(JsonObject config, Path dataDir) throws Exception {
    Path file = dataDir.resolve("dev-api-key");
    String kept = Files.isRegularFile(file) ? Files.readString(file).trim() : null;
    return ApiKeyStore.runBlocking(
        PostgresConfig.in(config),
        store -> (kept == null ? Future.succeededFuture(false) : store.isValid(kept))
            .compose(valid -> valid
                ? Future.succeededFuture(kept)
                : store
                    .create(new Caller(
                        null,
                        "dev",
                        Caller.DEFAULT_TENANT,
                        Caller.Administers.EVERY_TENANT,
                        null,
                        null,
                        Set.of(Caller.ALL),
                        null,
                        null))
                    .map(created -> save(file, created.key()))));
  }

  private static String save(Path file, String key) {
    try {
      Files.writeString(file, key + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return key;
    } catch (IOException e) {
      throw new IllegalStateException("cannot keep the dev API key in " + file, e);
    }
  }
}
