package io.eventgateway.schema;

/** Why one field of an event is invalid; {@code field} is a path such as {@code data.items[2].unit_price}. */
public record FieldError(String field, String reason) {}
