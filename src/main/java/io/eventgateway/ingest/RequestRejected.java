package io.eventgateway.ingest;

import io.vertx.core.json.JsonObject;

/** The whole request is refused (media type, malformed body, limits); carries the problem to answer with. */
public final class RequestRejected extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient JsonObject problem;

  RequestRejected(JsonObject problem) {
    super(problem.getString("detail"), null, false, false);
    this.problem = problem;
  }

  public JsonObject problem() {
    return problem;
  }
}
