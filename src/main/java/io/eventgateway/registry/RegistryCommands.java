package io.eventgateway.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The Confluent Schema Registry API's operations over {@link SchemaRegistryStore}, one per request kind. Each takes
 * the request as JSON ({@code op} plus the path's and body's parameters) and answers with the body Confluent's
 * registry answers, or fails with a {@link RegistryException} carrying its status and error code.
 */
final class RegistryCommands {

  private final SchemaRegistryStore store;
  private final RegistrySettings settings;

  RegistryCommands(SchemaRegistryStore store) {
    this.store = store;
    this.settings = new RegistrySettings(store);
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
          settings.getConfig(subject, request.getBoolean("defaultToGlobal", false));
        case "putConfig" -> settings.putConfig(subject, request.getString("compatibility"));
        case "deleteConfig" -> settings.deleteConfig(subject);
        case "getMode" -> settings.getMode(subject, request.getBoolean("defaultToGlobal", false));
        case "putMode" -> settings.putMode(subject, request.getString("mode"));
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
    return against.compose(versions -> settings.compatibilityOf(subject).map(level -> {
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
}
