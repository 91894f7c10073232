package io.eventgateway.schema;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * The Confluent Schema Registry API's operations over {@link SchemaRegistryStore}, one per request kind. Each takes
 * the request as JSON ({@code op} plus the path's and body's parameters) and answers with the body Confluent's
 * registry answers, or fails with a {@link RegistryException} carrying its status and error code.
 */
final class RegistryCommands {

  private static final Set<String> MODES = Set.of("READWRITE", "READONLY", "IMPORT");
  private static final String CONFIG = "registry_config";
  private static final String MODE = "registry_mode";

  private final SchemaRegistryStore store;

  RegistryCommands(SchemaRegistryStore store) {
    this.store = store;
  }

  Future<Object> execute(JsonObject request) {
    String subject = request.getString("subject");
    try {
      return switch (request.getString("op")) {
        case "register" ->
          store.register(subject, schema(request)).map(id -> new JsonObject().put("id", id));
        case "lookup" -> lookup(subject, schema(request));
        case "subjects" -> store.subjects(request.getBoolean("deleted", false)).map(list -> list);
        case "versions" ->
          live(subject, request.getBoolean("deleted", false))
              .map(versions -> new JsonArray(
                  versions.stream().map(SubjectRegistry.Version::version).toList()));
        case "version" ->
          version(subject, request.getString("version"), request.getBoolean("deleted", false))
              .map(version ->
                  request.getBoolean("raw", false) ? version.schema() : version.toJson());
        case "deleteSubject" -> deleteSubject(subject, request.getBoolean("permanent", false));
        case "deleteVersion" ->
          deleteVersion(
              subject, request.getString("version"), request.getBoolean("permanent", false));
        case "schemaById" ->
          schemaById(request.getInteger("id"))
              .map(text ->
                  request.getBoolean("raw", false) ? text : new JsonObject().put("schema", text));
        case "subjectsOfId" ->
          schemaById(request.getInteger("id"))
              .compose(text -> store.usesOf(request.getInteger("id")))
              .map(uses -> new JsonArray(
                  uses.stream().map(SubjectRegistry.Version::subject).distinct().toList()));
        case "versionsOfId" ->
          schemaById(request.getInteger("id"))
              .compose(text -> store.usesOf(request.getInteger("id")))
              .map(uses -> new JsonArray(uses.stream()
                  .map(use ->
                      new JsonObject().put("subject", use.subject()).put("version", use.version()))
                  .toList()));
        case "compatibility" ->
          compatibility(
              subject,
              request.getString("version"),
              schema(request),
              request.getBoolean("verbose", false));
        case "getConfig" ->
          getSetting(CONFIG, "compatibility", subject, request.getBoolean("defaultToGlobal", false))
              .map(level -> new JsonObject().put("compatibilityLevel", level));
        case "putConfig" -> putConfig(subject, request.getString("compatibility"));
        case "deleteConfig" ->
          store
              .setting(CONFIG, "compatibility", orGlobal(subject))
              .compose(previous -> store
                  .deleteSetting(CONFIG, orGlobal(subject))
                  .map(deleted -> new JsonObject().put("compatibilityLevel", previous)));
        case "getMode" ->
          getSetting(MODE, "mode", subject, request.getBoolean("defaultToGlobal", false))
              .map(mode -> new JsonObject().put("mode", mode));
        case "putMode" -> putMode(subject, request.getString("mode"));
        default ->
          Future.failedFuture(new IllegalArgumentException(
              "unknown registry operation " + request.getString("op")));
      };
    } catch (RegistryException e) {
      return Future.failedFuture(e);
    }
  }

  private static Schema schema(JsonObject request) {
    String type = request.getString("schemaType", "AVRO");
    if (!"AVRO".equalsIgnoreCase(type)) {
      throw RegistryException.invalidSchema(
          "schema type " + type + " is not supported; this registry holds AVRO");
    }
    if (request.getJsonArray("references") != null
        && !request.getJsonArray("references").isEmpty()) {
      throw RegistryException.invalidSchema("schema references are not supported");
    }
    if (request.getValue("schema") instanceof String text) {
      return SchemaRegistryStore.parse(text);
    }
    throw RegistryException.invalidSchema("the request needs a \"schema\" string");
  }

  private Future<Object> lookup(String subject, Schema schema) {
    String canonical = schema.toString();
    return live(subject, false)
        .map(versions -> versions.stream()
            .filter(version -> version.schema().equals(canonical))
            .findFirst()
            .orElseThrow(() -> RegistryException.schemaNotFound("Schema"))
            .toJson());
  }

  /** The subject's versions, soft-deleted ones too when {@code deleted}; {@code 40401} when there are none. */
  private Future<List<SubjectRegistry.Version>> live(String subject, boolean deleted) {
    return store.versions(subject).map(versions -> {
      List<SubjectRegistry.Version> chosen =
          versions.stream().filter(version -> deleted || !version.deleted()).toList();
      if (chosen.isEmpty()) {
        throw RegistryException.subjectNotFound(subject);
      }
      return chosen;
    });
  }

  private Future<SubjectRegistry.Version> version(String subject, String spec, boolean deleted) {
    int wanted = versionNumber(spec);
    return live(subject, deleted)
        .map(versions -> wanted == -1
            ? versions.get(versions.size() - 1)
            : versions.stream()
                .filter(version -> version.version() == wanted)
                .findFirst()
                .orElseThrow(() -> RegistryException.versionNotFound(wanted)));
  }

  /** {@code latest} and {@code -1} mean the latest version, as in Confluent's API; anything else must be 1 or more. */
  private static int versionNumber(String spec) {
    if ("latest".equalsIgnoreCase(spec) || "-1".equals(spec)) {
      return -1;
    }
    try {
      int version = Integer.parseInt(spec);
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new RegistryException(
        422,
        42202,
        "The specified version '" + spec + "' is not a valid version id. "
            + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
  }

  private Future<Object> deleteSubject(String subject, boolean permanent) {
    return store.versions(subject).compose(versions -> {
      if (versions.isEmpty()) {
        return Future.failedFuture(RegistryException.subjectNotFound(subject));
      }
      List<SubjectRegistry.Version> targets =
          versions.stream().filter(version -> permanent || !version.deleted()).toList();
      if (!permanent && targets.isEmpty()) {
        return Future.failedFuture(new RegistryException(
            404,
            40404,
            "Subject '" + subject
                + "' was soft deleted. Set permanent=true to delete permanently"));
      }
      if (permanent && versions.stream().anyMatch(version -> !version.deleted())) {
        return Future.failedFuture(new RegistryException(
            404,
            40405,
            "Subject '" + subject + "' was not deleted first before being permanently deleted"));
      }
      List<Integer> numbers =
          targets.stream().map(SubjectRegistry.Version::version).toList();
      return store.delete(subject, numbers, permanent).map(deleted ->
          (Object) new JsonArray(numbers));
    });
  }

  private Future<Object> deleteVersion(String subject, String spec, boolean permanent) {
    return version(subject, spec, permanent).compose(version -> {
      if (permanent && !version.deleted()) {
        return Future.failedFuture(new RegistryException(
            404,
            40407,
            "Subject '" + subject + "' Version " + version.version()
                + " was not deleted first before being permanently deleted"));
      }
      return store.delete(subject, List.of(version.version()), permanent).map(deleted ->
          (Object) version.version());
    });
  }

  private Future<String> schemaById(Integer id) {
    return store.schemaText(id).map(text -> {
      if (text == null) {
        throw RegistryException.schemaNotFound("Schema " + id);
      }
      return text;
    });
  }

  /**
   * Whether {@code schema} could join {@code subject}: against one version ({@code spec}), or, without one, against
   * every version the subject's level compares with.
   */
  private Future<Object> compatibility(
      String subject, String spec, Schema schema, boolean verbose) {
    Future<List<SubjectRegistry.Version>> against =
        spec == null ? live(subject, false) : version(subject, spec, false).map(List::of);
    return against.compose(versions -> store
        .setting(CONFIG, "compatibility", subject)
        .map(level -> {
          List<String> problems = Compatibility.check(
              CompatibilityLevel.parse(level),
              schema,
              versions.stream()
                  .map(version -> SchemaRegistryStore.parse(version.schema()))
                  .toList());
          JsonObject answer = new JsonObject().put("is_compatible", problems.isEmpty());
          return verbose ? answer.put("messages", new JsonArray(problems)) : answer;
        }));
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

  private Future<Object> putConfig(String subject, String compatibility) {
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

  private Future<Object> putMode(String subject, String mode) {
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
