package io.eventgateway.config;

/** The configuration cannot be used as given: the message names the file or variable and the key at fault. */
public final class ConfigurationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
