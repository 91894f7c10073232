package io.eventgateway.registry;

/**
 * A registry request that cannot be served, with the HTTP status and the Confluent {@code error_code} (40401
 * subject not found, 40402 version not found, 40403 schema not found, 409 incompatible, 42201 invalid schema, …).
 */
public final class RegistryException extends RuntimeException {

  private final int status;
  private final int errorCode;

  public RegistryException(int status, int errorCode, String message) {
    super(message, null, false, false);
    this.status = status;
    this.errorCode = errorCode;
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }

  static RegistryException subjectNotFound(String subject) {
    return new RegistryException(404, 40401, "Subject '" + subject + "' not found.");
  }

  static RegistryException versionNotFound(Object version) {
    return new RegistryException(404, 40402, "Version " + version + " not found.");
  }

  static RegistryException schemaNotFound(String what) {
    return new RegistryException(404, 40403, what + " not found");
  }

  static RegistryException invalidSchema(String reason) {
    return new RegistryException(422, 42201, "Invalid schema: " + reason);
  }
}
