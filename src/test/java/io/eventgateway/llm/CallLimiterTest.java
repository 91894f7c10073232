package io.eventgateway.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("CallLimiter")
class CallLimiterTest {

  @Test
  @DisplayName("turns go round the waiting tenants: one tenant's burst waits behind its own calls")
  void fairAmongTenants(Vertx vertx, VertxTestContext test) {
    List<String> served = new CopyOnWriteArrayList<>();
    vertx.runOnContext(start -> {
      CallLimiter limiter = new CallLimiter(vertx, 1_000, 1, 60_000);
      for (String tenant : List.of("a", "a", "a", "a", "a", "a", "b", "c", "b")) {
        limiter.acquire(tenant).onSuccess(turn -> {
          served.add(tenant);
          // each call takes a moment, then makes room for the next
          vertx.setTimer(2, done -> limiter.release());
          if (served.size() == 9) {
            test.verify(() -> {
              // the first "a" was served at once; then the tenants waiting take turns
              assertThat(served).containsExactly("a", "a", "b", "c", "a", "b", "a", "a", "a");
              test.completeNow();
            });
          }
        });
      }
    });
  }

  @Test
  @DisplayName(
      "a call that waits longer than maxQueueWaitMs for its turn gives up its place; the others keep theirs")
  void waitingIsBounded(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(start -> {
      CallLimiter limiter = new CallLimiter(vertx, 1_000, 1, 200);
      // the only slot is taken and never given back while the others wait
      limiter.acquire("a");
      long asked = System.nanoTime();
      limiter
          .acquire("a")
          .onComplete(test.failing(waited -> test.verify(() -> {
            assertThat(waited).isInstanceOf(LlmFailure.QueueTimeout.class);
            assertThat(
                    java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked))
                .isGreaterThanOrEqualTo(150);
            // the slot comes back: a new call gets it at once
            limiter.release();
            limiter.acquire("b").onComplete(test.succeedingThenComplete());
          })));
    });
  }
}
