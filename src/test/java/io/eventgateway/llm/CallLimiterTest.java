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
      CallLimiter limiter = new CallLimiter(vertx, 1_000, 1);
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
}
