package io.eventgateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Refuses a configuration file with a key the gateway does not know, or a value of another type than the key's
 * default, naming the file, the key and the variable that sets it: a typo must stop the start, not be ignored.
 */
final class ConfigValidation {

  /** Sections handed to the Kafka clients as they are: any client property may be set there. */
  private static final Set<String> OPEN_SECTIONS =
      Set.of("kafka.common", "kafka.producer", "kafka.consumer");

  private ConfigValidation() {}

  /** @throws ConfigurationException listing every unknown or ill-typed key of {@code file} */
  static void check(JsonObject file, JsonObject defaults, String source) {
    List<String> problems = new ArrayList<>();
    check(file, defaults, "", problems);
    if (!problems.isEmpty()) {
      throw new ConfigurationException(
          "configuration " + source + ": " + String.join("; ", problems), null);
    }
  }

  private static void check(
      JsonObject node, JsonObject defaults, String path, List<String> problems) {
    for (String key : node.fieldNames()) {
      String keyPath = path.isEmpty() ? key : path + "." + key;
      Object value = node.getValue(key);
      if (!defaults.containsKey(key)) {
        if (!OPEN_SECTIONS.contains(path)) {
          problems.add("unknown key " + keyPath + " (" + EnvOverrides.variableOf(keyPath) + ")");
        }
      } else if (defaults.getValue(key) instanceof JsonObject section) {
        if (value instanceof JsonObject child) {
          check(child, section, keyPath, problems);
        } else {
          problems.add(keyPath + " must be an object, got " + describe(value));
        }
      } else if (!sameType(defaults.getValue(key), value)) {
        problems.add(keyPath + " (" + EnvOverrides.variableOf(keyPath) + ") must be "
            + describe(defaults.getValue(key)) + ", got " + describe(value));
      }
    }
  }

  private static boolean sameType(Object expected, Object value) {
    if (expected == null || value == null) {
      return true;
    }
    if (expected instanceof Integer || expected instanceof Long) {
      return value instanceof Integer || value instanceof Long;
    }
    if (expected instanceof Number) {
      return value instanceof Number;
    }
    return expected.getClass() == value.getClass();
  }

  private static String describe(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      return "an integer";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "true or false";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    return value == null ? "null" : "a string";
  }
}
