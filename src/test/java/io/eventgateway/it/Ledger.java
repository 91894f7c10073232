package io.eventgateway.it;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a client sent and what it was told, per event identity (tenant, source, id): the client's side of the
 * exactly-once promise, which {@link ExactlyOnce} holds against the store. An event may be sent several times (a
 * resend after {@code 429} or a cut connection); its outcome is the strongest it ever got: acknowledged, else unknown
 * (an answer that leaves open whether Kafka has it: a cut connection, a timeout, a {@code 5xx}), else refused (a
 * definite no: {@code 4xx}, {@code 429}).
 */
final class Ledger {

  /** The strongest outcome an event got, weakest first. */
  enum Outcome {
    REFUSED,
    UNKNOWN,
    ACKNOWLEDGED
  }

  /** One event as sent; {@code userId} is the analytics user its rollups count it for ({@code null} for others). */
  record Entry(String tenant, String source, String id, String type, String userId) {

    String identity() {
      return tenant + "|" + source + "|" + id;
    }
  }

  private record State(Entry entry, Outcome outcome) {}

  private final Map<String, State> states = new ConcurrentHashMap<>();

  /** Records {@code event}, sent by a credential of {@code tenant}, before any answer. */
  Entry sent(String tenant, JsonObject event) {
    JsonObject data = event.getJsonObject("data");
    String type = event.getString("type");
    return sent(new Entry(
        tenant,
        event.getString("source"),
        event.getString("id"),
        type,
        type.startsWith("analytics.") && data != null ? data.getString("user_id") : null));
  }

  /** Records {@code entry}, before any answer. */
  Entry sent(Entry entry) {
    states.putIfAbsent(entry.identity(), new State(entry, null));
    return entry;
  }

  void acknowledged(Entry entry) {
    record(entry, Outcome.ACKNOWLEDGED);
  }

  void refused(Entry entry) {
    record(entry, Outcome.REFUSED);
  }

  void unknown(Entry entry) {
    record(entry, Outcome.UNKNOWN);
  }

  private void record(Entry entry, Outcome outcome) {
    states.merge(
        entry.identity(),
        new State(entry, outcome),
        (was, now) ->
            was.outcome() != null && was.outcome().compareTo(now.outcome()) >= 0 ? was : now);
  }

  /** Every event sent. */
  Collection<Entry> entries() {
    return states.values().stream().map(State::entry).toList();
  }

  /** The outcome of {@code entry}: {@code null} while no answer (or failure) was recorded. */
  Outcome outcome(Entry entry) {
    State state = states.get(entry.identity());
    return state == null ? null : state.outcome();
  }

  List<Entry> with(Outcome outcome) {
    return states.values().stream()
        .filter(state -> state.outcome() == outcome)
        .map(State::entry)
        .toList();
  }

  long count(Outcome outcome) {
    return states.values().stream().filter(state -> state.outcome() == outcome).count();
  }

  long sent() {
    return states.size();
  }

  /** Sent events with no outcome at all: a client that stopped without an answer or a failure for them. */
  long unanswered() {
    return states.values().stream().filter(state -> state.outcome() == null).count();
  }
}
