package io.eventgateway.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The configuration sections a verticle reads. The node deploys it with those sections only, so what a verticle
 * depends on is written beside it, and a read of any other section fails at its start instead of coupling it
 * silently to the rest of the configuration.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ConfigSections {

  /** Top-level keys of the configuration, e.g. {@code "kafka"}. */
  String[] value();
}
