package io.eventgateway.registry;

import java.util.Locale;

/** The Confluent Schema Registry compatibility levels: which earlier versions a new schema must be compatible with, and how. */
public enum CompatibilityLevel {
  BACKWARD,
  BACKWARD_TRANSITIVE,
  FORWARD,
  FORWARD_TRANSITIVE,
  FULL,
  FULL_TRANSITIVE,
  NONE;

  /** The level when neither the subject nor the registry sets one, as in Confluent's registry. */
  public static final CompatibilityLevel DEFAULT = BACKWARD;

  /** @return the level named {@code name} (any case), or {@code null} when there is none */
  public static CompatibilityLevel parse(String name) {
    try {
      return name == null ? null : valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Checked against every earlier version, not only the latest. */
  boolean transitive() {
    return name().endsWith("_TRANSITIVE");
  }

  /** Consumers on the new schema must read data written with the old ones. */
  boolean readsOld() {
    return this != NONE && !name().startsWith("FORWARD");
  }

  /** Consumers on the old schemas must read data written with the new one. */
  boolean readsNew() {
    return this != NONE && !name().startsWith("BACKWARD");
  }
}
