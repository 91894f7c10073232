package io.eventgateway.process;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Stores a batch that may hold records the store refuses. A batch refused for its records' fault ({@link
 * PersistRetry#isRecordFault}) is split in halves, each stored or split again, down to single records: the records
 * at fault are found alone, and every other one is stored in the same pass. Each store request is one transaction
 * (rows and the rollups they feed), so a half is stored whole or not at all, and storing it again counts nothing
 * twice. Any other failure (the database is unavailable, the consumer is stopping) fails the whole, to be tried
 * again.
 */
final class Narrowing {

  /** A record the store refused on its own, and why. */
  record Refused<T>(T item, Throwable error) {}

  private Narrowing() {}

  /** @return the records refused alone, in batch order; a failed future when the batch is to be tried again */
  static <T> Future<List<Refused<T>>> store(List<T> items, Function<List<T>, Future<?>> store) {
    if (items.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return store
        .apply(items)
        .<List<Refused<T>>>map(stored -> List.of())
        .recover(error -> narrow(items, error, store));
  }

  /** As {@link #store}, for {@code items} already refused as a whole with {@code error}. */
  static <T> Future<List<Refused<T>>> narrow(
      List<T> items, Throwable error, Function<List<T>, Future<?>> store) {
    if (!PersistRetry.isRecordFault(error)) {
      return Future.failedFuture(error);
    }
    if (items.size() == 1) {
      return Future.succeededFuture(List.of(new Refused<>(items.get(0), error)));
    }
    int half = items.size() / 2;
    return store(items.subList(0, half), store)
        .compose(first -> store(items.subList(half, items.size()), store).map(second -> {
          List<Refused<T>> refused = new ArrayList<>(first);
          refused.addAll(second);
          return refused;
        }));
  }
}
