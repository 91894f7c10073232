package io.eventgateway.deploy;

import static io.eventgateway.deploy.Yaml.list;
import static io.eventgateway.deploy.Yaml.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.config.ConfigLoader;
import io.eventgateway.config.EnvOverrides;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.yml} parsed and checked without a Docker engine: every service's image or build, health
 * check, dependencies and ports, the gateway's wiring to Kafka, PostgreSQL and the LLM simulator, and the Prometheus
 * and Grafana files it mounts.
 */
@DisplayName("docker-compose.yml")
class ComposeFileTest {

  private static final Pattern PORT =
      Pattern.compile("(?:127\\.0\\.0\\.1:)?(\\d+)(?:-(\\d+))?:(\\d+)");

  private final Map<String, Object> compose = Yaml.read(Path.of("docker-compose.yml"));
  private final Map<String, Object> services = map(compose.get("services"));
  private final JsonObject config = ConfigLoader.load("docker", Map.of());

  @Test
  @DisplayName(
      "has Kafka (apache/kafka, KRaft), PostgreSQL, the LLM simulator, ingest ×2, processor ×2, Prometheus, Grafana")
  void services() {
    assertThat(services)
        .containsOnlyKeys(
            "kafka", "postgres", "llm-sim", "ingest", "processor", "prometheus", "grafana");
    assertThat(service("kafka").get("image").toString()).startsWith("apache/kafka:");
    assertThat(environment("kafka")).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
    assertThat(replicas("ingest")).isEqualTo(2);
    assertThat(replicas("processor")).isEqualTo(2);
    assertThat(environment("ingest")).containsEntry("GATEWAY_ROLE", "ingest");
    assertThat(environment("processor")).containsEntry("GATEWAY_ROLE", "processor");
  }

  @Test
  @DisplayName("gives every service a pinned image or a build, and a health check in exec form")
  void imagesAndHealthChecks() {
    services.forEach((name, value) -> {
      Map<String, Object> service = map(value);
      assertThat(service.keySet()).as(name + ": image or build").containsAnyOf("image", "build");
      if (service.containsKey("image")) {
        assertThat(service.get("image").toString())
            .as(name + " image tag")
            .matches("[\\w./-]+:[\\w.-]+")
            .doesNotEndWith(":latest");
      }
      List<Object> test = list(map(service.get("healthcheck")).get("test"));
      assertThat(test.get(0)).as(name + " healthcheck").isEqualTo("CMD");
      assertThat(map(service.get("healthcheck")))
          .as(name)
          .containsKeys("interval", "timeout", "retries");
    });
  }

  @Test
  @DisplayName(
      "checks the gateway containers with the image's own HEALTHCHECK command, at compose's port")
  void gatewayHealthCheck() {
    String imageHealthcheck = Dockerfile.read(Path.of("Dockerfile"))
        .healthcheck()
        .get(2)
        .replace("\"", "")
        .replace("${GATEWAY_MANAGEMENT_PORT:-9090}", "9090")
        .replace(" || exit 1", "");
    for (String role : List.of("ingest", "processor")) {
      List<Object> test = list(map(service(role).get("healthcheck")).get("test"));
      assertThat(test.subList(1, test.size())).as(role).containsExactly((Object[])
          imageHealthcheck.split(" "));
      assertThat(service(role).get("build")).as(role).isEqualTo(".");
    }
  }

  @Test
  @DisplayName("starts each service after the services it names are healthy, with no cycle")
  void dependencies() {
    services.forEach((name, value) -> {
      Object dependsOn = map(value).get("depends_on");
      if (dependsOn != null) {
        map(dependsOn).forEach((dependency, condition) -> {
          assertThat(services).as(name + " depends on").containsKey(dependency);
          assertThat(map(condition))
              .as(name + " -> " + dependency)
              .containsEntry("condition", "service_healthy");
        });
      }
    });
    services
        .keySet()
        .forEach(name ->
            assertThat(reachesItself(name, name, new HashSet<>())).as(name).isFalse());
    assertThat(map(service("ingest").get("depends_on"))).containsKeys("kafka", "postgres");
    assertThat(map(service("processor").get("depends_on")))
        .containsKeys("kafka", "postgres", "llm-sim");
  }

  @Test
  @DisplayName(
      "publishes distinct host ports, a port per replica, onto the ports the containers listen on")
  void ports() {
    Set<Integer> hostPorts = new HashSet<>();
    services.forEach((name, value) -> {
      Object ports = map(value).get("ports");
      if (ports == null) {
        return;
      }
      for (Object port : list(ports)) {
        Matcher matcher = PORT.matcher(port.toString());
        assertThat(matcher.matches()).as(name + " port " + port).isTrue();
        int first = Integer.parseInt(matcher.group(1));
        int last = matcher.group(2) == null ? first : Integer.parseInt(matcher.group(2));
        assertThat(last - first + 1)
            .as(name + " host ports for its replicas")
            .isEqualTo(replicas(name));
        for (int hostPort = first; hostPort <= last; hostPort++) {
          assertThat(hostPorts.add(hostPort))
              .as("host port " + hostPort + " published twice")
              .isTrue();
        }
      }
    });
    assertThat(list(service("ingest").get("ports")))
        .contains(
            "8080-8081:" + config.getJsonObject("http").getInteger("port"),
            "127.0.0.1:9090-9091:" + config.getJsonObject("management").getInteger("port"));
    // the simulator's PUT /sim/config and Grafana's anonymous viewers: the host's loopback only
    assertThat(list(service("llm-sim").get("ports")))
        .containsExactly(
            "127.0.0.1:8089:" + config.getJsonObject("llmSimulator").getInteger("port"));
    assertThat(list(service("grafana").get("ports")))
        .allMatch(port -> port.toString().startsWith("127.0.0.1:"));
  }

  @Test
  @DisplayName(
      "points the gateway at the Kafka listener, the PostgreSQL database and the simulator it defines")
  void wiring() {
    Map<String, Object> kafka = environment("kafka");
    Map<String, Object> postgres = environment("postgres");
    for (String role : List.of("ingest", "processor")) {
      Map<String, Object> gateway = environment(role);
      assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS").toString())
          .contains("//" + gateway.get("GATEWAY_KAFKA_BOOTSTRAP_SERVERS"));
      URI database = URI.create(gateway.get("DATABASE_URL").toString());
      assertThat(database.getHost()).isEqualTo("postgres");
      assertThat(database.getUserInfo())
          .isEqualTo(postgres.get("POSTGRES_USER") + ":" + postgres.get("POSTGRES_PASSWORD"));
      assertThat(database.getPath()).isEqualTo("/" + postgres.get("POSTGRES_DB"));
      URI llm = URI.create(gateway.get("GATEWAY_LLM_BASE_URL").toString());
      assertThat(llm.getHost()).isEqualTo("llm-sim");
      assertThat(llm.getPort()).isEqualTo(config.getJsonObject("llmSimulator").getInteger("port"));
      assertThat(gateway).containsEntry("GATEWAY_ENV", "docker");
      assertThat(EnvOverrides.apply(ConfigLoader.load("docker", Map.of()), strings(gateway)))
          .as(role + ": GATEWAY_* variables that set nothing")
          .isEmpty();
    }
  }

  @Test
  @DisplayName("mounts Prometheus and Grafana files that exist and scrape and show the gateway")
  void monitoring() {
    services.forEach((name, value) -> {
      Object volumes = map(value).get("volumes");
      if (volumes != null) {
        list(volumes).stream()
            .map(Object::toString)
            .filter(volume -> volume.startsWith("./"))
            .forEach(volume ->
                assertThat(Path.of(volume.split(":")[0])).as(name + " mounts").exists());
      }
    });
    String metricsPath = "/metrics";
    int management = config.getJsonObject("management").getInteger("port");
    List<Object> jobs =
        list(Yaml.read(Path.of("deploy/prometheus/prometheus.yml")).get("scrape_configs"));
    Set<String> scraped = new HashSet<>();
    jobs.forEach(job -> {
      assertThat(map(job)).containsEntry("metrics_path", metricsPath);
      list(map(job).get("dns_sd_configs")).forEach(discovery -> {
        assertThat(map(discovery)).containsEntry("port", management);
        list(map(discovery).get("names")).forEach(service -> scraped.add(service.toString()));
      });
    });
    assertThat(scraped).containsExactlyInAnyOrder("ingest", "processor");

    Map<String, Object> datasource =
        map(list(Yaml.read(Path.of("deploy/grafana/provisioning/datasources/prometheus.yml"))
                .get("datasources"))
            .get(0));
    assertThat(datasource).containsEntry("url", "http://prometheus:9090");
    JsonObject dashboard = GrafanaDashboard.read();
    List<String> titles = new ArrayList<>();
    dashboard
        .getJsonArray("panels")
        .forEach(panel -> titles.add(((JsonObject) panel).getString("title")));
    assertThat(titles)
        .contains(
            "Ingest rate",
            "Kafka acknowledgement latency",
            "Consumer lag",
            "Dead letters waiting",
            "LLM circuit");
    assertThat(GrafanaDashboard.metricNames(dashboard)).isNotEmpty();
  }

  private static Map<String, String> strings(Map<String, Object> environment) {
    Map<String, String> strings = new java.util.HashMap<>();
    environment.forEach((name, value) -> strings.put(name, String.valueOf(value)));
    return strings;
  }

  private Map<String, Object> service(String name) {
    return map(services.get(name));
  }

  private Map<String, Object> environment(String name) {
    return map(service(name).get("environment"));
  }

  private int replicas(String name) {
    Object deploy = service(name).get("deploy");
    return deploy == null ? 1 : (Integer) map(deploy).getOrDefault("replicas", 1);
  }

  private boolean reachesItself(String start, String current, Set<String> seen) {
    Object dependsOn = service(current).get("depends_on");
    if (dependsOn == null) {
      return false;
    }
    for (String next : map(dependsOn).keySet()) {
      if (next.equals(start) || (seen.add(next) && reachesItself(start, next, seen))) {
        return true;
      }
    }
    return false;
  }
}
