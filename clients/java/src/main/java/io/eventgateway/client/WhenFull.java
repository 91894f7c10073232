package io.eventgateway.client;

/** What {@link GatewayClient#send} does when the buffer already holds {@code bufferCapacity} unsent events. */
public enum WhenFull {
  /** Waits until there is room (the caller slows down to what the gateway takes). */
  BLOCK,
  /** Answers {@link EventResult.Dropped} at once, and counts it ({@link GatewayClient#dropped()}). */
  DROP,
  /** Throws {@link BufferFullException}. */
  FAIL
}
