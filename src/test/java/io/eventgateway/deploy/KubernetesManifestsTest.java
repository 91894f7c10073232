package io.eventgateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgateway.config.ConfigLoader;
import io.eventgateway.config.EnvOverrides;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/k8s/} read into Kubernetes' own typed model (fabric8's, generated from the Kubernetes OpenAPI
 * schema): a field of the wrong type fails to bind and a misspelt field is reported, as kubeconform would; then the
 * rules between the manifests, the image and the configuration.
 */
@DisplayName("The Kubernetes manifests")
class KubernetesManifestsTest {

  private static final Path DIR = Path.of("deploy/k8s");
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final List<String> ROLES = List.of("ingest", "processor");

  private final List<HasMetadata> resources = load();

  @Test
  @DisplayName(
      "bind to the Kubernetes schema with no unknown field, and kustomization.yaml lists every file")
  void schema() throws IOException {
    assertThat(resources)
        .extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder(
            "ConfigMap",
            "Secret",
            "Deployment",
            "Service",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "Deployment",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "NetworkPolicy",
            "NetworkPolicy",
            "NetworkPolicy",
            "NetworkPolicy");
    List<String> unknown = new ArrayList<>();
    resources.forEach(resource -> unknownFields(
        resource, resource.getKind() + "/" + resource.getMetadata().getName(), unknown));
    assertThat(unknown).as("fields Kubernetes does not know").isEmpty();
    List<Object> listed = Yaml.list(Yaml.read(DIR.resolve("kustomization.yaml")).get("resources"));
    try (Stream<Path> files = Files.list(DIR)) {
      assertThat(files
              .map(file -> file.getFileName().toString())
              .filter(name -> !name.equals("kustomization.yaml")))
          .containsExactlyInAnyOrderElementsOf(
              listed.stream().map(Object::toString).toList());
    }
  }

  @Test
  @DisplayName(
      "run each role as a Deployment with probes on the management port, resources and the image's user")
  void deployments() {
    JsonObject config = ConfigLoader.load("prod", Map.of());
    JsonObject shutdown = config.getJsonObject("shutdown");
    for (String role : ROLES) {
      Deployment deployment = named(Deployment.class, "event-gateway-" + role);
      assertThat(deployment.getSpec().getSelector().getMatchLabels())
          .isEqualTo(deployment.getSpec().getTemplate().getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/component", role);
      Container gateway =
          deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(gateway.getEnv()).anySatisfy(env -> {
        assertThat(env.getName()).isEqualTo("GATEWAY_ROLE");
        assertThat(env.getValue()).isEqualTo(role);
      });
      ContainerPort management = gateway.getPorts().stream()
          .filter(port -> port.getName().equals("management"))
          .findFirst()
          .orElseThrow();
      assertThat(management.getContainerPort())
          .isEqualTo(config.getJsonObject("management").getInteger("port"));
      assertProbe(gateway.getLivenessProbe(), "/health/live");
      assertProbe(gateway.getStartupProbe(), "/health/live");
      assertProbe(gateway.getReadinessProbe(), "/health/ready");
      assertThat(gateway.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(gateway.getResources().getLimits()).containsKeys("cpu", "memory");
      assertThat(
              deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
          .isTrue();
      assertThat(
              deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser() + ":"
                  + deployment
                      .getSpec()
                      .getTemplate()
                      .getSpec()
                      .getSecurityContext()
                      .getRunAsGroup())
          .isEqualTo(Dockerfile.read(Path.of("Dockerfile"))
              .effective("USER")
              .orElseThrow()
              .arguments());
      assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()
              * 1000)
          .as("time to drain")
          .isGreaterThan(shutdown.getLong("gracePeriodMs") + shutdown.getLong("readinessDelayMs"));
      for (EnvFromSource source : gateway.getEnvFrom()) {
        if (source.getConfigMapRef() != null) {
          named(ConfigMap.class, source.getConfigMapRef().getName());
        } else {
          named(Secret.class, source.getSecretRef().getName());
        }
      }
    }
    Container ingest = named(Deployment.class, "event-gateway-ingest")
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
    assertThat(ingest.getPorts()).anySatisfy(port -> {
      assertThat(port.getName()).isEqualTo("http");
      assertThat(port.getContainerPort())
          .isEqualTo(config.getJsonObject("http").getInteger("port"));
    });
  }

  @Test
  @DisplayName("autoscale ingest on CPU, and cap the processors at the topics' partition count")
  void autoscaling() {
    HorizontalPodAutoscaler ingest = named(HorizontalPodAutoscaler.class, "event-gateway-ingest");
    assertThat(ingest.getSpec().getScaleTargetRef().getName()).isEqualTo("event-gateway-ingest");
    assertThat(ingest.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
    assertThat(ingest.getSpec().getMetrics()).anySatisfy(metric -> {
      assertThat(metric.getResource().getName()).isEqualTo("cpu");
      assertThat(metric.getResource().getTarget().getType()).isEqualTo("Utilization");
    });

    // the partition count the gateway creates its topics with, as the ConfigMap configures it
    Map<String, String> environment = named(ConfigMap.class, "event-gateway").getData();
    assertThat(EnvOverrides.apply(ConfigLoader.load("prod", Map.of()), environment))
        .as("ConfigMap variables that set nothing")
        .isEmpty();
    int partitions =
        ConfigLoader.load("prod", environment).getJsonObject("kafka").getInteger("topicPartitions");
    HorizontalPodAutoscaler processor =
        named(HorizontalPodAutoscaler.class, "event-gateway-processor");
    assertThat(processor.getSpec().getScaleTargetRef().getName())
        .isEqualTo("event-gateway-processor");
    assertThat(processor.getSpec().getMaxReplicas()).isEqualTo(partitions);
    assertThat(named(Deployment.class, "event-gateway-processor").getSpec().getReplicas())
        .isBetween(processor.getSpec().getMinReplicas(), partitions);
  }

  @Test
  @DisplayName(
      "keep a pod of each role through voluntary disruptions, and serve ingest through a Service")
  void disruptionAndService() {
    for (String role : ROLES) {
      PodDisruptionBudget budget = named(PodDisruptionBudget.class, "event-gateway-" + role);
      assertThat(budget.getSpec().getMinAvailable().getIntVal()).isPositive();
      assertThat(budget.getSpec().getSelector().getMatchLabels())
          .isEqualTo(named(Deployment.class, "event-gateway-" + role)
              .getSpec()
              .getSelector()
              .getMatchLabels());
    }
    Service service = named(Service.class, "event-gateway");
    Deployment ingest = named(Deployment.class, "event-gateway-ingest");
    assertThat(service.getSpec().getSelector())
        .isEqualTo(ingest.getSpec().getSelector().getMatchLabels());
    List<String> containerPorts =
        ingest.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
            .map(ContainerPort::getName)
            .toList();
    assertThat(service.getSpec().getPorts())
        .allSatisfy(
            port -> assertThat(containerPorts).contains(port.getTargetPort().getStrVal()));
    assertThat(service.getSpec().getPorts())
        .as("the public Service leaves the management port out")
        .extracting(port -> port.getTargetPort().getStrVal())
        .containsExactly("http");
  }

  private static void assertProbe(Probe probe, String path) {
    assertThat(probe).as(path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
  }

  @Test
  @DisplayName(
      "NetworkPolicies: ingress denied by default, the management port for Prometheus only, egress to Kafka, "
          + "PostgreSQL, DNS and HTTPS only, Kafka and PostgreSQL for the gateway only")
  void networkPolicies() {
    JsonObject config = ConfigLoader.load("prod", Map.of());
    int api = config.getJsonObject("http").getInteger("port");
    int management = config.getJsonObject("management").getInteger("port");
    NetworkPolicy deny = named(NetworkPolicy.class, "default-deny-ingress");
    assertThat(deny.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
    assertThat(deny.getSpec().getIngress()).isNullOrEmpty();
    for (String role : ROLES) {
      NetworkPolicy policy = named(NetworkPolicy.class, "event-gateway-" + role);
      assertThat(policy.getSpec().getPodSelector().getMatchLabels())
          .containsEntry("app.kubernetes.io/component", role);
      for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
        List<Integer> ports =
            rule.getPorts().stream().map(port -> port.getPort().getIntVal()).toList();
        if (ports.contains(management)) {
          assertThat(rule.getFrom())
              .as("who reaches the management port")
              .isNotEmpty()
              .allSatisfy(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                  .containsEntry("app.kubernetes.io/name", "prometheus"));
        } else {
          assertThat(role).as("only ingest serves the API").isEqualTo("ingest");
          assertThat(ports).containsExactly(api);
        }
      }
      assertThat(policy.getSpec().getEgress().stream()
              .flatMap(rule -> rule.getPorts().stream())
              .map(port -> port.getPort().getIntVal()))
          .as("where the gateway may connect")
          .containsOnly(9092, 9093, 5432, 53, 443);
    }
    for (String store : List.of("kafka", "postgresql")) {
      NetworkPolicy policy = named(NetworkPolicy.class, store + "-from-the-gateway-only");
      assertThat(policy.getSpec().getIngress().stream().flatMap(rule -> rule.getFrom().stream()))
          .allSatisfy(peer -> assertThat(
                  peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"))
              .isIn("event-gateway", store));
    }
  }

  private <T extends HasMetadata> T named(Class<T> type, String name) {
    return resources.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(resource -> resource.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  private static List<HasMetadata> load() {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .filter(file -> file.toString().endsWith(".yaml"))
          .filter(file -> !file.getFileName().toString().equals("kustomization.yaml"))
          .sorted()
          .flatMap(file -> Yaml.readAll(file).stream())
          .map(document -> MAPPER.convertValue(document, HasMetadata.class))
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * fabric8's model keeps fields it does not know in {@code additionalProperties} rather than failing: every such
   * field anywhere in the tree is a field Kubernetes would reject or ignore.
   */
  private static void unknownFields(Object node, String path, List<String> unknown) {
    if (node instanceof Collection<?> items) {
      int index = 0;
      for (Object item : items) {
        unknownFields(item, path + "[" + index++ + "]", unknown);
      }
    } else if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> unknownFields(value, path + "." + key, unknown));
    } else if (node != null
        && node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      for (Method getter : node.getClass().getMethods()) {
        if (getter.getParameterCount() != 0
            || !getter.getName().startsWith("get")
            || getter.getDeclaringClass() == Object.class) {
          continue;
        }
        Object value = invoke(getter, node);
        if (getter.getName().equals("getAdditionalProperties")) {
          ((Map<?, ?>) value).keySet().forEach(key -> unknown.add(path + "." + key));
        } else {
          unknownFields(value, path + "." + getter.getName().substring(3), unknown);
        }
      }
    }
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(getter + " on " + target, e);
    }
  }
}
