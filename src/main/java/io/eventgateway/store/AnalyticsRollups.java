package io.eventgateway.store;

import io.eventgateway.bus.PersistBatch;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user analytics of the {@code analytics} family (events with a {@code user_id}): per user its first and last
 * event, events, purchases, revenue and implicit sessions ({@code user_stats}); per user and type
 * ({@code user_event_counts}); per minute and type ({@code event_counts_minute}); per session
 * ({@code user_sessions}). An event without a {@code session_id} starts an implicit session where the gap to the
 * user's previous such event (in the batch, else as stored) exceeds {@code analytics.sessionGapSeconds}.
 */
final class AnalyticsRollups implements Rollups {

  /**
   * Four upserts in one statement, each from parallel arrays of one row per key. A user's first implicit event in
   * the batch ($9) starts a session when the user's stored last one is absent or more than the gap ($26 seconds)
   * before it; the sessions its later ones started were counted in the processor ($8).
   */
  private static final String UPSERT = """
      WITH per_user AS (
        INSERT INTO user_stats AS s (tenant, user_id, first_seen, last_seen, events, purchases, revenue,
                                     implicit_sessions, last_implicit_at)
        SELECT u.tenant, u.user_id, u.first_seen, u.last_seen, u.events, u.purchases, u.revenue,
               -- the stored user is looked up only for users with implicit events, as before
               u.starts + CASE WHEN u.first_implicit IS NULL THEN 0
                               WHEN COALESCE(u.first_implicit - (SELECT p.last_implicit_at FROM user_stats p
                                                                 WHERE p.tenant = u.tenant AND p.user_id = u.user_id)
                                             > make_interval(secs => $26), true)
                               THEN 1 ELSE 0 END,
               u.last_implicit
        FROM UNNEST($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[], $6::bigint[],
                    $7::numeric[], $8::bigint[], $9::timestamptz[], $10::timestamptz[])
             AS u(tenant, user_id, first_seen, last_seen, events, purchases, revenue, starts, first_implicit,
                  last_implicit)
        ORDER BY u.tenant, u.user_id
        ON CONFLICT (tenant, user_id) DO UPDATE SET
            first_seen = LEAST(s.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(s.last_seen, EXCLUDED.last_seen),
            events = s.events + EXCLUDED.events, purchases = s.purchases + EXCLUDED.purchases,
            revenue = s.revenue + EXCLUDED.revenue, implicit_sessions = s.implicit_sessions + EXCLUDED.implicit_sessions,
            last_implicit_at = GREATEST(s.last_implicit_at, EXCLUDED.last_implicit_at)
      ), per_type AS (
        INSERT INTO user_event_counts AS c (tenant, user_id, event_type, count)
        SELECT * FROM UNNEST($11::text[], $12::text[], $13::text[], $14::bigint[]) ORDER BY 1, 2, 3
        ON CONFLICT (tenant, user_id, event_type) DO UPDATE SET count = c.count + EXCLUDED.count
      ), per_minute AS (
        INSERT INTO event_counts_minute AS m (tenant, bucket, event_type, count)
        SELECT * FROM UNNEST($15::text[], $16::timestamptz[], $17::text[], $18::bigint[]) ORDER BY 1, 2, 3
        ON CONFLICT (tenant, bucket, event_type) DO UPDATE SET count = m.count + EXCLUDED.count
      )
      INSERT INTO user_sessions AS u (tenant, session_id, user_id, started_at, last_at, ended_at, events)
      SELECT * FROM UNNEST($19::text[], $20::text[], $21::text[], $22::timestamptz[], $23::timestamptz[],
                           $24::timestamptz[], $25::bigint[]) ORDER BY 1, 2
      ON CONFLICT (tenant, session_id) DO UPDATE SET
          started_at = LEAST(u.started_at, EXCLUDED.started_at), last_at = GREATEST(u.last_at, EXCLUDED.last_at),
          ended_at = COALESCE(EXCLUDED.ended_at, u.ended_at), events = u.events + EXCLUDED.events
      """;

  private static final String FAMILY = "analytics";
  private static final String PURCHASE = "analytics.purchase";
  private static final String SESSION_END = "analytics.session_end";

  private final Duration sessionGap;

  AnalyticsRollups(int sessionGapSeconds) {
    this.sessionGap = Duration.ofSeconds(sessionGapSeconds);
  }

  private record UserKey(String tenant, String user) {}

  private record TypeKey(String tenant, String user, String type) {}

  private record MinuteKey(String tenant, Instant bucket, String type) {}

  private record SessionKey(String tenant, String session) {}

  private static final class User {
    private Instant first;
    private Instant last;
    private long events;
    private long purchases;
    private BigDecimal revenue = BigDecimal.ZERO;
    private final List<Instant> implicit = new ArrayList<>();
  }

  private static final class Session {
    private String user;
    private Instant started;
    private Instant last;
    private Instant ended;
    private long events;
  }

  @Override
  public Future<Void> write(SqlConnection transaction, List<PersistBatch.Event> stored) {
    Map<UserKey, User> users = new LinkedHashMap<>();
    Map<TypeKey, Long> types = new LinkedHashMap<>();
    Map<MinuteKey, Long> minutes = new LinkedHashMap<>();
    Map<SessionKey, Session> sessions = new LinkedHashMap<>();
    for (PersistBatch.Event event : stored) {
      if (!FAMILY.equals(event.family())) {
        continue;
      }
      JsonObject data = new JsonObject(event.dataJson());
      String userId = data.getString("user_id");
      if (userId == null) {
        continue;
      }
      Instant at = Rollups.at(event);
      User user = users.computeIfAbsent(new UserKey(event.tenant(), userId), key -> new User());
      user.first = user.first == null || at.isBefore(user.first) ? at : user.first;
      user.last = user.last == null || at.isAfter(user.last) ? at : user.last;
      user.events++;
      if (PURCHASE.equals(event.eventType()) && data.getValue("total") != null) {
        user.purchases++;
        user.revenue = user.revenue.add(new BigDecimal(String.valueOf(data.getValue("total"))));
      }
      types.merge(new TypeKey(event.tenant(), userId, event.eventType()), 1L, Long::sum);
      minutes.merge(
          new MinuteKey(event.tenant(), at.truncatedTo(ChronoUnit.MINUTES), event.eventType()),
          1L,
          Long::sum);
      String sessionId = data.getString("session_id");
      if (sessionId == null) {
        user.implicit.add(at);
      } else {
        Session session = sessions.computeIfAbsent(
            new SessionKey(event.tenant(), sessionId), key -> new Session());
        session.user =
            session.user == null || userId.compareTo(session.user) < 0 ? userId : session.user;
        session.started =
            session.started == null || at.isBefore(session.started) ? at : session.started;
        session.last = session.last == null || at.isAfter(session.last) ? at : session.last;
        if (SESSION_END.equals(event.eventType())) {
          session.ended = session.ended == null || at.isAfter(session.ended) ? at : session.ended;
        }
        session.events++;
      }
    }
    if (users.isEmpty()) {
      return Future.succeededFuture();
    }
    return transaction
        .preparedQuery(UPSERT)
        .execute(columns(users, types, minutes, sessions))
        .mapEmpty();
  }

  private Tuple columns(
      Map<UserKey, User> users,
      Map<TypeKey, Long> types,
      Map<MinuteKey, Long> minutes,
      Map<SessionKey, Session> sessions) {
    Tuple tuple = Tuple.tuple();
    userColumns(tuple, users);
    List<String> typeTenants = new ArrayList<>();
    List<String> typeUsers = new ArrayList<>();
    List<String> typeNames = new ArrayList<>();
    types.keySet().forEach(key -> {
      typeTenants.add(key.tenant());
      typeUsers.add(key.user());
      typeNames.add(key.type());
    });
    tuple
        .addArrayOfString(typeTenants.toArray(String[]::new))
        .addArrayOfString(typeUsers.toArray(String[]::new))
        .addArrayOfString(typeNames.toArray(String[]::new))
        .addArrayOfLong(types.values().toArray(Long[]::new));
    List<String> minuteTenants = new ArrayList<>();
    List<OffsetDateTime> buckets = new ArrayList<>();
    List<String> minuteTypes = new ArrayList<>();
    minutes.keySet().forEach(key -> {
      minuteTenants.add(key.tenant());
      buckets.add(Rollups.utc(key.bucket()));
      minuteTypes.add(key.type());
    });
    tuple
        .addArrayOfString(minuteTenants.toArray(String[]::new))
        .addArrayOfOffsetDateTime(buckets.toArray(OffsetDateTime[]::new))
        .addArrayOfString(minuteTypes.toArray(String[]::new))
        .addArrayOfLong(minutes.values().toArray(Long[]::new));
    sessionColumns(tuple, sessions);
    return tuple.addInteger((int) sessionGap.toSeconds());
  }

  private void userColumns(Tuple tuple, Map<UserKey, User> users) {
    int n = users.size();
    String[] tenants = new String[n];
    String[] userIds = new String[n];
    OffsetDateTime[] first = new OffsetDateTime[n];
    OffsetDateTime[] last = new OffsetDateTime[n];
    Long[] events = new Long[n];
    Long[] purchases = new Long[n];
    Numeric[] revenue = new Numeric[n];
    Long[] starts = new Long[n];
    OffsetDateTime[] firstImplicit = new OffsetDateTime[n];
    OffsetDateTime[] lastImplicit = new OffsetDateTime[n];
    int i = 0;
    for (Map.Entry<UserKey, User> entry : users.entrySet()) {
      User user = entry.getValue();
      tenants[i] = entry.getKey().tenant();
      userIds[i] = entry.getKey().user();
      first[i] = Rollups.utc(user.first);
      last[i] = Rollups.utc(user.last);
      events[i] = user.events;
      purchases[i] = user.purchases;
      revenue[i] = Numeric.create(user.revenue);
      List<Instant> implicit = user.implicit;
      implicit.sort(null);
      long started = 0;
      for (int k = 1; k < implicit.size(); k++) {
        if (Duration.between(implicit.get(k - 1), implicit.get(k)).compareTo(sessionGap) > 0) {
          started++;
        }
      }
      starts[i] = started;
      firstImplicit[i] = implicit.isEmpty() ? null : Rollups.utc(implicit.get(0));
      lastImplicit[i] = implicit.isEmpty() ? null : Rollups.utc(implicit.get(implicit.size() - 1));
      i++;
    }
    tuple
        .addArrayOfString(tenants)
        .addArrayOfString(userIds)
        .addArrayOfOffsetDateTime(first)
        .addArrayOfOffsetDateTime(last)
        .addArrayOfLong(events)
        .addArrayOfLong(purchases)
        .addValue(revenue)
        .addArrayOfLong(starts)
        .addArrayOfOffsetDateTime(firstImplicit)
        .addArrayOfOffsetDateTime(lastImplicit);
  }

  private static void sessionColumns(Tuple tuple, Map<SessionKey, Session> sessions) {
    int n = sessions.size();
    String[] tenants = new String[n];
    String[] sessionIds = new String[n];
    String[] users = new String[n];
    OffsetDateTime[] started = new OffsetDateTime[n];
    OffsetDateTime[] last = new OffsetDateTime[n];
    OffsetDateTime[] ended = new OffsetDateTime[n];
    Long[] events = new Long[n];
    int i = 0;
    for (Map.Entry<SessionKey, Session> entry : sessions.entrySet()) {
      Session session = entry.getValue();
      tenants[i] = entry.getKey().tenant();
      sessionIds[i] = entry.getKey().session();
      users[i] = session.user;
      started[i] = Rollups.utc(session.started);
      last[i] = Rollups.utc(session.last);
      ended[i] = session.ended == null ? null : Rollups.utc(session.ended);
      events[i] = session.events;
      i++;
    }
    tuple
        .addArrayOfString(tenants)
        .addArrayOfString(sessionIds)
        .addArrayOfString(users)
        .addArrayOfOffsetDateTime(started)
        .addArrayOfOffsetDateTime(last)
        .addArrayOfOffsetDateTime(ended)
        .addArrayOfLong(events);
  }
}
