package io.eventgateway.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** YAML files read with SnakeYAML (full YAML 1.1: anchors, aliases, merge keys), as plain maps and lists. */
final class Yaml {

  private Yaml() {}

  static Map<String, Object> read(Path path) {
    return readAll(path).get(0);
  }

  /** Every document of a multi-document file ({@code ---}), empty ones skipped. */
  static List<Map<String, Object>> readAll(Path path) {
    try (Reader reader = Files.newBufferedReader(path)) {
      List<Map<String, Object>> documents = new ArrayList<>();
      for (Object document : new org.yaml.snakeyaml.Yaml().loadAll(reader)) {
        if (document != null) {
          documents.add(map(document));
        }
      }
      return documents;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return (List<Object>) value;
  }
}
