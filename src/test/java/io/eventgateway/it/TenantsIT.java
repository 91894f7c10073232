package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventgateway.kafka.GatewayHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two teams on one gateway, tried as either would attack the other: the same event ids, reads of the other's data,
 * a forged tenant. An event is (tenant, source, id); every read is one tenant's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName(
    "Tenants: identity (tenant, source, id), reads scoped to the caller's tenant, an unforgeable tenant header")
class TenantsIT {

  private GatewayInstance gateway;
  private ApiClient shop;
  private ApiClient fab;
  private ApiClient shopPartner;

  @BeforeAll
  void start() {
    gateway = GatewayInstance.start(GatewayInstance.isolated("tenants"), "all");
    shop = gateway.keyOf("shop-web", "shop");
    shopPartner = gateway.keyOf("shop-partner", "shop");
    fab = gateway.keyOf("fab-line", "fab");
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  @Test
  @DisplayName(
      "the same id from two tenants, and from two sources of one tenant, is four events, each acknowledged and stored")
  void sameIdNeverDropsAnotherProducersEvent() throws Exception {
    JsonObject fromShop =
        ApiClient.pageView("user-t1").put("id", "same-id").put("source", "/shop/web");
    JsonObject fromFab = fromShop.copy();
    JsonObject fromPartner = fromShop.copy().put("source", "/shop/partner");
    assertThat(shop.postEvent(fromShop).status()).isEqualTo(202);
    assertThat(fab.postEvent(fromFab).status()).isEqualTo(202);
    assertThat(shopPartner.postEvent(fromPartner).status()).isEqualTo(202);
    // a redelivery or resend of one of them: still one row
    assertThat(shop.postEvent(fromShop).status()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> StoredEvents.countOf(gateway, List.of("same-id")) >= 3);
    assertThat(rows("same-id"))
        .containsExactlyInAnyOrder("fab /shop/web", "shop /shop/partner", "shop /shop/web");

    ApiClient.Response ambiguous = shop.get("/v1/events/same-id");
    assertThat(ambiguous.status()).isEqualTo(409);
    assertThat(ambiguous.contentType()).isEqualTo("application/problem+json");
    assertThat(ambiguous.json().getJsonArray("sources"))
        .containsExactly("/shop/partner", "/shop/web");
    assertThat(shop.get("/v1/events/same-id?source=/shop/web").json().getString("tenant"))
        .isEqualTo("shop");
    JsonObject fabs = fab.get("/v1/events/same-id").json();
    assertThat(fabs.getString("tenant")).isEqualTo("fab");
    assertThat(fabs.getString("source")).isEqualTo("/shop/web");
  }

  @Test
  @DisplayName(
      "a tenant's events, analytics, quality figures and alerts are invisible to another tenant")
  void readsAreScopedToTheCallersTenant() {
    JsonObject secret = ApiClient.pageView("shop-only-user").put("id", "shop-secret");
    assertThat(shop.postEvent(secret).status()).isEqualTo(202);
    JsonArray inspections = new JsonArray();
    for (int i = 0; i < 25; i++) {
      inspections.add(ApiClient.cloudEvent(
          "chip.inspection.completed",
          new JsonObject()
              .put("inspection_id", "I-" + i)
              .put("batch_id", "B-FAB")
              .put("wafer_id", "W-" + i)
              .put("line_id", "LINE-FAB")
              .put("product_id", "P-1")
              .put("result", i < 10 ? "FAIL" : "PASS")
              .put("dies_inspected", 100)
              .put("defect_count", 1)
              .put("duration_ms", 10)));
    }
    assertThat(fab.post("/v1/events", "application/cloudevents-batch+json", inspections.encode())
            .status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> fab.get("/v1/alerts?state=open").json().getJsonArray("alerts").size() == 1);

    assertThat(shop.get("/v1/events/shop-secret").status()).isEqualTo(200);
    assertThat(fab.get("/v1/events/shop-secret").status()).isEqualTo(404);
    assertThat(shop.get("/v1/analytics/users/shop-only-user").status()).isEqualTo(200);
    assertThat(fab.get("/v1/analytics/users/shop-only-user").status()).isEqualTo(404);
    assertThat(fab.get("/v1/quality/lines").json().getJsonArray("items").encode())
        .contains("LINE-FAB");
    assertThat(shop.get("/v1/quality/lines").json().getJsonArray("items")).isEmpty();
    assertThat(shop.get("/v1/alerts").json().getJsonArray("alerts")).isEmpty();
    assertThat(fab.get("/v1/alerts")
            .json()
            .getJsonArray("alerts")
            .getJsonObject(0)
            .getString("tenant"))
        .isEqualTo("fab");
  }

  @Test
  @DisplayName("?tenant= names another tenant for admins only")
  void onlyAdminsNameAnotherTenant() {
    assertThat(
            shop.postEvent(ApiClient.pageView("u").put("id", "shop-for-admin")).status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> StoredEvents.countOf(gateway, List.of("shop-for-admin")) == 1);
    ApiClient.Response refused = fab.get("/v1/events/shop-for-admin?tenant=shop");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().getString("detail")).contains("tenant 'fab' only");
    // the admin belongs to tenant default: its own view has no such event, naming shop finds it
    assertThat(gateway.api().get("/v1/events/shop-for-admin").status()).isEqualTo(404);
    assertThat(gateway.api().get("/v1/events/shop-for-admin?tenant=shop").status())
        .isEqualTo(200);
    assertThat(gateway.api().get("/v1/events/x?tenant=NOT%20A%20TENANT").status())
        .isEqualTo(400);
  }

  @Test
  @DisplayName(
      "the dashboard's totals are the caller's tenant's own; the node's totals and lag are an operator's")
  void dashboardFiguresAreTheTenantsOwn() {
    ApiClient small = gateway.keyOf("small-board", "dash-small");
    ApiClient large = gateway.keyOf("large-board", "dash-large");
    JsonArray three = new JsonArray();
    JsonArray five = new JsonArray();
    for (int i = 0; i < 5; i++) {
      if (i < 3) {
        three.add(ApiClient.pageView("d-" + i));
      }
      five.add(ApiClient.pageView("d-" + i));
    }
    assertThat(small
            .post("/v1/events", "application/cloudevents-batch+json", three.encode())
            .status())
        .isEqualTo(202);
    assertThat(large
            .post("/v1/events", "application/cloudevents-batch+json", five.encode())
            .status())
        .isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonObject smallStats = small.get("/v1/dashboard/stats").json();
      JsonObject largeStats = large.get("/v1/dashboard/stats").json();
      assertThat(smallStats.getLong("accepted")).isEqualTo(3);
      assertThat(smallStats.getLong("stored")).isEqualTo(3);
      assertThat(largeStats.getLong("accepted")).isEqualTo(5);
      assertThat(largeStats.getLong("stored")).isEqualTo(5);
      assertThat(smallStats.containsKey("node")).as("the node's totals").isFalse();
    });
    assertThat(gateway
            .api()
            .get("/v1/dashboard/stats")
            .json()
            .getJsonObject("node")
            .getLong("accepted"))
        .isGreaterThanOrEqualTo(8);
  }

  @Test
  @DisplayName(
      "a tenant admin manages its own tenant's keys and dead letters only, and creates no operator")
  void tenantAdminStopsAtItsTenant() {
    ApiClient.Response created = gateway
        .api()
        .post(
            "/v1/admin/keys",
            "application/json",
            new JsonObject()
                .put("name", "shop-admin")
                .put("tenant", "shop")
                .put("tenantAdmin", true)
                .encode());
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().getBoolean("tenantAdmin")).isTrue();
    assertThat(created.json().getBoolean("admin")).isFalse();
    ApiClient shopAdmin = new ApiClient(gateway.apiUrl(), created.json().getString("key"));
    String fabKeyId = gateway
        .api()
        .post(
            "/v1/admin/keys",
            "application/json",
            new JsonObject().put("name", "fab-victim").put("tenant", "fab").encode())
        .json()
        .getString("id");

    // keys of its own tenant, tenant admins among them
    ApiClient.Response own = shopAdmin.post(
        "/v1/admin/keys",
        "application/json",
        new JsonObject()
            .put("name", "shop-ops")
            .put("tenant", "shop")
            .put("tenantAdmin", true)
            .encode());
    assertThat(own.status()).isEqualTo(201);
    assertThat(shopAdmin
            .post(
                "/v1/admin/keys",
                "application/json",
                new JsonObject().put("name", "shop-default").encode())
            .status())
        .as("a key of tenant default (the field's default)")
        .isEqualTo(403);
    ApiClient.Response foreign = shopAdmin.post(
        "/v1/admin/keys",
        "application/json",
        new JsonObject().put("name", "fab-key").put("tenant", "fab").encode());
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.contentType()).isEqualTo("application/problem+json");
    assertThat(shopAdmin
            .post(
                "/v1/admin/keys",
                "application/json",
                new JsonObject()
                    .put("name", "shop-operator")
                    .put("tenant", "shop")
                    .put("admin", true)
                    .encode())
            .status())
        .as("an operator key")
        .isEqualTo(403);

    // it sees its own tenant's keys only, and cannot revoke another's (nor learn that it exists)
    JsonArray listed = shopAdmin.get("/v1/admin/keys").json().getJsonArray("keys");
    assertThat(
            listed.stream().map(key -> ((JsonObject) key).getString("tenant")).distinct())
        .containsExactly("shop");
    assertThat(delete(shopAdmin, "/v1/admin/keys/" + fabKeyId).status()).isEqualTo(404);
    assertThat(gateway.api().get("/v1/admin/keys").json().getJsonArray("keys").encode())
        .contains(fabKeyId);
    assertThat(delete(shopAdmin, "/v1/admin/keys/" + own.json().getString("id")).status())
        .isEqualTo(204);

    // dead letters and reads of its own tenant; another's, and the shared registry, are an
    // operator's
    String dlq = "/v1/admin/dlq/" + gateway.topic("analytics");
    assertThat(shopAdmin.get(dlq).status()).isEqualTo(200);
    assertThat(shopAdmin.get(dlq + "?tenant=fab").status()).isEqualTo(403);
    assertThat(
            shopAdmin.post(dlq + "/replay?tenant=fab", "application/json", "{}").status())
        .isEqualTo(403);
    assertThat(shopAdmin.get("/v1/quality/lines?tenant=fab").status()).isEqualTo(403);
    assertThat(shopAdmin.get("/v1/quality/lines").status()).isEqualTo(200);
    // the admin of tenant default (where operator keys live) neither sees nor revokes an operator's
    // key
    ApiClient defaultAdmin = new ApiClient(
        gateway.apiUrl(),
        gateway
            .api()
            .post(
                "/v1/admin/keys",
                "application/json",
                new JsonObject()
                    .put("name", "default-admin")
                    .put("tenantAdmin", true)
                    .encode())
            .json()
            .getString("key"));
    String operatorKeyId = gateway.api().get("/v1/admin/keys").json().getJsonArray("keys").stream()
        .map(JsonObject.class::cast)
        .filter(key -> key.getBoolean("admin"))
        .findFirst()
        .orElseThrow()
        .getString("id");
    assertThat(defaultAdmin.get("/v1/admin/keys").body()).doesNotContain(operatorKeyId);
    assertThat(delete(defaultAdmin, "/v1/admin/keys/" + operatorKeyId).status()).isEqualTo(404);
    assertThat(gateway.api().get("/v1/admin/keys").status())
        .as("the operator's key still works")
        .isEqualTo(200);

    String subject = "/registry/subjects/"
        + new JsonArray(gateway.api().get("/registry/subjects").body()).getString(0);
    assertThat(delete(shopAdmin, subject).status()).isEqualTo(403);
    assertThat(gateway.api().get(subject + "/versions").status()).isEqualTo(200);
  }

  private static ApiClient.Response delete(ApiClient client, String path) {
    return client.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.baseUrl() + path))
            .DELETE()
            .build());
  }

  @Test
  @DisplayName(
      "the tenant travels in a Kafka header from the credential; an event cannot name its own")
  void tenantHeaderCannotBeForged() throws Exception {
    ApiClient.Response forged = shop.postEvent(ApiClient.pageView("u").put("gw_tenant", "fab"));
    assertThat(forged.status()).isEqualTo(400);
    assertThat(forged.body()).contains("gw_tenant");
    ApiClient.Response accepted =
        shop.postEvent(ApiClient.pageView("u").put("tenant", "fab").put("id", "ext-tenant"));
    assertThat(accepted.status()).isEqualTo(202);
    JsonObject result = accepted.json().getJsonArray("results").getJsonObject(0);
    ConsumerRecord<String, byte[]> record = KafkaRecords.read(
        result.getString("topic"), result.getInteger("partition"), result.getLong("offset"));
    assertThat(new String(
            record.headers().lastHeader(GatewayHeaders.TENANT).value(), StandardCharsets.UTF_8))
        .isEqualTo("shop");
    // the extension stays an extension: ce_tenant, which names nothing the gateway trusts
    assertThat(new String(record.headers().lastHeader("ce_tenant").value(), StandardCharsets.UTF_8))
        .isEqualTo("fab");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> StoredEvents.countOf(gateway, List.of("ext-tenant")) == 1);
    assertThat(rows("ext-tenant")).containsExactly("shop /it/analytics.page_view");
  }

  private List<String> rows(String id) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection connection = gateway.database();
        PreparedStatement statement = connection.prepareStatement(
            "SELECT tenant, source FROM events WHERE event_id = ? ORDER BY 1, 2")) {
      statement.setString(1, id);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          rows.add(result.getString(1) + " " + result.getString(2));
        }
      }
    }
    return rows;
  }
}
