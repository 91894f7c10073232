package io.eventgateway.ingest;

import io.eventgateway.schema.EventType;
import io.eventgateway.schema.FieldError;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An event's {@code dataschema}: the registered schema version it says its data was written with. */
final class DataSchemaReference {

  private static final Pattern SCHEMA_ID_URI = Pattern.compile(".*/schemas/ids/(\\d{1,9})");
  private static final Pattern SUBJECT_VERSION_URI =
      Pattern.compile(".*/subjects/([^/]+)/versions/(\\d{1,9}|latest)");

  private DataSchemaReference() {}

  /**
   * The registered version an event says it was written with: {@code dataschema} ending in
   * {@code /schemas/ids/{id}} or {@code /subjects/{subject}/versions/{version|latest}} (the registry's own URLs);
   * {@code null} without one, meaning the current schema.
   */
  static EventType.Version version(String dataschema, EventType type, List<FieldError> errors) {
    if (dataschema == null) {
      return null;
    }
    Matcher byId = SCHEMA_ID_URI.matcher(dataschema);
    Matcher byVersion = SUBJECT_VERSION_URI.matcher(dataschema);
    EventType.Version version = null;
    if (byId.matches()) {
      version = type.versionWithId(Integer.parseInt(byId.group(1)));
    } else if (byVersion.matches()) {
      if (!URLDecoder.decode(byVersion.group(1), StandardCharsets.UTF_8).equals(type.subject())) {
        errors.add(new FieldError(
            "dataschema",
            "names subject " + byVersion.group(1) + ", but " + type.type() + " is registered under "
                + type.subject()));
        return null;
      }
      version = byVersion.group(2).equals("latest")
          ? type.versions()
              .get(type.versions().keySet().stream().max(Integer::compare).orElse(0))
          : type.versions().get(Integer.parseInt(byVersion.group(2)));
    } else {
      errors.add(new FieldError(
          "dataschema", "must end in /schemas/ids/{id} or /subjects/{subject}/versions/{version}"));
      return null;
    }
    if (version == null) {
      errors.add(new FieldError(
          "dataschema",
          "'" + dataschema + "' is not a registered version of subject " + type.subject() + " ("
              + type.type() + ")"));
    }
    return version;
  }
}
