package io.eventgateway.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the gateway's configuration, later sources winning: {@code conf/config.json}, then {@code conf/<env>.json},
 * then {@code GATEWAY_*} environment variables (see {@link EnvOverrides}). Each file is read from the folder
 * {@code GATEWAY_CONF_DIR} (default {@code ./conf}) when present there, else from the copy inside the jar.
 * {@code DATABASE_URL}, the common convention, sets {@code postgres.url}.
 */
public final class ConfigLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  private ConfigLoader() {}

  public static JsonObject load(String env, Map<String, String> environment) {
    Path confDir = Path.of(environment.getOrDefault("GATEWAY_CONF_DIR", "conf"));
    JsonObject defaults = read(null, "config.json", true);
    JsonObject config = read(confDir, "config.json", true);
    ConfigValidation.check(config, defaults, "config.json");
    JsonObject overlay = read(confDir, env + ".json", false);
    ConfigValidation.check(overlay, defaults, env + ".json");
    config.mergeIn(overlay, true);
    EnvOverrides.apply(config, environment);
    String databaseUrl = environment.get("DATABASE_URL");
    if (databaseUrl != null && !databaseUrl.isBlank()) {
      config.getJsonObject("postgres").put("url", databaseUrl);
    }
    return config;
  }

  /** {@code name} from {@code dir} when it is there, else the copy in the jar (always the jar's for a null dir). */
  private static JsonObject read(Path dir, String name, boolean required) {
    Path file = dir == null ? null : dir.resolve(name);
    try {
      if (file != null && Files.isRegularFile(file)) {
        LOG.info("Configuration {} read from {}", name, file.toAbsolutePath());
        return new JsonObject(Files.readString(file));
      }
      try (InputStream in =
          ConfigLoader.class.getClassLoader().getResourceAsStream("conf/" + name)) {
        if (in != null) {
          return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read configuration " + name, e);
    }
    if (required) {
      throw new IllegalStateException(
          "configuration " + name + " not found in " + dir + " nor in the jar");
    }
    return new JsonObject();
  }
}
