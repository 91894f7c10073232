package io.eventgateway;

import io.eventgateway.bus.BusCodecs;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.PostgresConfig;
import io.eventgateway.ops.Lifecycle;
import io.eventgateway.store.Migrations;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys one role: applies the database migrations, then the verticles that {@code verticles/<role>.json}
 * lists, in order, each waiting for the previous (the registry first, the HTTP server last, so nothing is
 * served before its dependencies are ready), each with the configuration sections it declares. Config: the whole
 * gateway configuration plus {@code role}.
 */
public class MainVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);
  /** {@code "instances": "eventLoops"} in a descriptor means one instance per event loop. */
  private static final String PER_EVENT_LOOP = "eventLoops";

  private final Deque<String> deployed = new ArrayDeque<>();

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    String role = config().getString("role", "all");
    JsonObject descriptor = descriptor(role);
    Future<?> chain = vertx.executeBlocking(() -> {
      Migrations.migrate(PostgresConfig.in(config()));
      return null;
    });
    for (Object entry : descriptor.getJsonArray("verticles", new JsonArray())) {
      JsonObject verticle = (JsonObject) entry;
      chain = chain.compose(previous -> deploy(verticle));
    }
    return chain.onSuccess(done -> {
      Lifecycle.enter(vertx, Lifecycle.State.SERVING);
      LOG.info("Role '{}' deployed: {}", role, descriptor.getString("description"));
      if (!config().getJsonObject("auth").getBoolean("enabled")) {
        LOG.warn(
            "AUTHENTICATION IS OFF (auth.enabled=false): anyone who reaches port {} may publish, read every "
                + "tenant's data and use the admin API. Only run so behind a proxy that authenticates.",
            config().getJsonObject("http").getInteger("port"));
      }
    });
  }

  private Future<String> deploy(JsonObject verticle) {
    JsonObject options = verticle.getJsonObject("options", new JsonObject()).copy();
    if (PER_EVENT_LOOP.equals(options.getValue("instances"))) {
      options.put("instances", VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
    }
    String main = verticle.getString("main");
    DeploymentOptions deployment =
        new DeploymentOptions(options).setConfig(sectionsOf(main, config()));
    return vertx.deployVerticle(main, deployment).onSuccess(id -> {
      deployed.push(id);
      LOG.debug("Deployed {} x{}", main, deployment.getInstances());
    });
  }

  /**
   * Turns readiness false, waits {@code shutdown.readinessDelayMs} for load balancers to notice, then undeploys
   * the role's verticles one after the other in reverse order: the HTTP server stops taking requests and finishes
   * those in flight before the producer flushes, the processor finishes and commits its batch before the writer
   * goes away, the management port goes last. Call before closing Vert.x, which would otherwise undeploy them all
   * at once.
   */
  public Future<Void> drain() {
    Lifecycle.enter(vertx, Lifecycle.State.DRAINING);
    Promise<Void> unready = Promise.promise();
    vertx.setTimer(
        Math.max(1, config().getJsonObject("shutdown").getLong("readinessDelayMs")),
        timer -> unready.complete());
    Future<Void> chain = unready.future();
    while (!deployed.isEmpty()) {
      String id = deployed.pop();
      chain = chain.compose(previous -> vertx.undeploy(id));
    }
    return chain;
  }

  /** The sections of {@code config} that the verticle class {@code main} declares with {@link ConfigSections}. */
  static JsonObject sectionsOf(String main, JsonObject config) {
    ConfigSections declared;
    try {
      declared = Class.forName(main).getAnnotation(ConfigSections.class);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("no verticle class " + main, e);
    }
    if (declared == null) {
      throw new IllegalStateException(main + " declares no @ConfigSections");
    }
    JsonObject sections = new JsonObject();
    for (String name : declared.value()) {
      if (!config.containsKey(name)) {
        throw new IllegalStateException(
            main + " reads the configuration section '" + name + "', which does not exist");
      }
      sections.put(name, config.getValue(name));
    }
    return sections;
  }

  /** Reads {@code verticles/<role>.json} from the working directory when present, else from the jar. */
  static JsonObject descriptor(String role) {
    String name = "verticles/" + role + ".json";
    try {
      Path file = Path.of(name);
      if (Files.isRegularFile(file)) {
        return new JsonObject(Files.readString(file));
      }
      try (InputStream in = MainVerticle.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalArgumentException("unknown role '" + role + "': no " + name);
        }
        return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
