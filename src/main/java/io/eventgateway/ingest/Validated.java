package io.eventgateway.ingest;

/** What {@link EventValidator} made of one event: {@link EventValidator.Accepted}, or the {@link EventError} why not. */
public sealed interface Validated permits EventValidator.Accepted, EventError {}
