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

  /**
   * The endpoint refused the request for the input's sake ({@code 400}, {@code 413}, {@code 422}: too long for the
   * model's context, or invalid to it). Asking again cannot help, and the endpoint is well: the breaker does not
   * count it.
   */
  static final class InputRefused extends LlmFailure {

    private static final long serialVersionUID = 1L;

    InputRefused(String reason) {
      super("the model refused the input: " + reason);
    }
  }

  /**
   * The call waited longer than {@code llm.rateLimit.maxQueueWaitMs} for its turn and was not made: the molecule
   * falls back now, so that a batch (and whatever polls after it) never waits out a tenant's whole burst; the
   * backfill asks again. Not the endpoint's fault, not retried.
   */
  static final class QueueTimeout extends LlmFailure {

    private static final long serialVersionUID = 1L;

    QueueTimeout(long waitedMs) {
      super("no turn to call the LLM within " + waitedMs + " ms (llm.rateLimit.maxQueueWaitMs)");
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
