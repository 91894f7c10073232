package io.eventgateway.client;

/** Why the gateway refused an event: the field (e.g. {@code data.user_id}, empty for the whole event) and why. */
public record FieldError(String field, String reason) {}
