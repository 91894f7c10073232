package io.eventgateway.llm;

/**
 * Why an LLM call did not produce a usable answer. Stack-less: these are expected outcomes, counted by the
 * circuit breaker, not bugs.
 */
public class LlmFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  LlmFailure(String message) {
    super(message, null, false, false);
  }

  /** The endpoint answered {@code 429}; retry no sooner than {@link #retryAfterMs()}. */
  static final class RateLimited extends LlmFailure {

    private static final long serialVersionUID = 1L;
    private final long retryAfterMs;

    RateLimited(long retryAfterMs) {
      super("rate limited by the LLM endpoint; retry after " + retryAfterMs + " ms");
      this.retryAfterMs = retryAfterMs;
    }

    long retryAfterMs() {
      return retryAfterMs;
    }
  }

  /** The answer was not JSON of the required shape: never stored as an enrichment. */
  static final class Malformed extends LlmFailure {

    private static final long serialVersionUID = 1L;

    Malformed(String reason) {
      super("malformed answer: " + reason);
    }
  }
}
