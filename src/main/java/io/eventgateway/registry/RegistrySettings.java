package io.eventgateway.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;

/** The registry's compatibility levels and modes, global or per subject, as Confluent's config and mode APIs have them. */
final class RegistrySettings {

  private static final Set<String> MODES = Set.of("READWRITE", "READONLY", "IMPORT");
  private static final String CONFIG = "registry_config";
  private static final String MODE = "registry_mode";

  private final SchemaRegistryStore store;

  RegistrySettings(SchemaRegistryStore store) {
    this.store = store;
  }

  Future<Object> getConfig(String subject, boolean defaultToGlobal) {
    return getSetting(CONFIG, "compatibility", subject, defaultToGlobal)
        .map(level -> new JsonObject().put("compatibilityLevel", level));
  }

  /** The level {@code subject}'s new versions are checked at: its own, else the global one. */
  Future<String> compatibilityOf(String subject) {
    return store.setting(CONFIG, "compatibility", subject);
  }

  Future<Object> deleteConfig(String subject) {
    return store
        .setting(CONFIG, "compatibility", orGlobal(subject))
        .compose(previous -> store
            .deleteSetting(CONFIG, orGlobal(subject))
            .map(deleted -> new JsonObject().put("compatibilityLevel", previous)));
  }

  Future<Object> getMode(String subject, boolean defaultToGlobal) {
    return getSetting(MODE, "mode", subject, defaultToGlobal)
        .map(mode -> new JsonObject().put("mode", mode));
  }

  private Future<String> getSetting(
      String table, String column, String subject, boolean defaultToGlobal) {
    if (subject == null || defaultToGlobal) {
      return store.setting(table, column, orGlobal(subject));
    }
    return store.ownSetting(table, column, subject).map(value -> {
      if (value == null) {
        throw table.equals(CONFIG)
            ? new RegistryException(
                404,
                40408,
                "Subject '" + subject + "' does not have subject-level compatibility configured")
            : new RegistryException(
                404,
                40409,
                "Subject '" + subject + "' does not have subject-level mode configured");
      }
      return value;
    });
  }

  Future<Object> putConfig(String subject, String compatibility) {
    CompatibilityLevel level = CompatibilityLevel.parse(compatibility);
    if (level == null) {
      return Future.failedFuture(
          new RegistryException(
              422,
              42203,
              "Invalid compatibility level. Valid values are "
                  + "none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive"));
    }
    return store
        .putSetting(CONFIG, "compatibility", orGlobal(subject), level.name())
        .map(stored -> new JsonObject().put("compatibility", level.name()));
  }

  Future<Object> putMode(String subject, String mode) {
    String upper = mode == null ? "" : mode.toUpperCase(Locale.ROOT);
    if (!MODES.contains(upper)) {
      return Future.failedFuture(new RegistryException(
          422, 42204, "Invalid mode. Valid values are READWRITE, " + "READONLY and IMPORT"));
    }
    return store
        .putSetting(MODE, "mode", orGlobal(subject), upper)
        .map(stored -> new JsonObject().put("mode", upper));
  }

  private static String orGlobal(String subject) {
    return subject == null ? SchemaRegistryStore.GLOBAL : subject;
  }
}
