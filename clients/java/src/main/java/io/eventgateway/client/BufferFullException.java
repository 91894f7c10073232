package io.eventgateway.client;

/** Thrown by {@link GatewayClient#send} when the buffer is full and the policy is {@link WhenFull#FAIL}. */
public final class BufferFullException extends IllegalStateException {
  BufferFullException(int capacity) {
    super("the client's buffer holds " + capacity + " unsent events");
  }
}
