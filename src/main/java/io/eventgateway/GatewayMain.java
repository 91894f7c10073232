package io.eventgateway;

import io.eventgateway.config.ConfigLoader;
import io.eventgateway.config.ConfigurationException;
import io.eventgateway.dev.DevStack;
import io.eventgateway.llm.sim.LlmSimulatorVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The jar's entry point: {@code run [ROLE]} against configured Kafka and PostgreSQL, {@code dev} with everything
 * embedded, {@code kafka}, dev mode's broker in a process of its own, {@code llm-sim}, the LLM simulator alone,
 * {@code keys}, API key management, or {@code health}, a probe.
 */
@Command(
    name = "event-gateway",
    mixinStandardHelpOptions = true,
    description = "CloudEvents over HTTP -> Avro -> Kafka -> PostgreSQL",
    subcommands = {
      GatewayMain.Run.class,
      GatewayMain.Dev.class,
      GatewayMain.Kafka.class,
      GatewayMain.LlmSim.class,
      KeysCommand.class,
      HealthProbe.class
    })
public final class GatewayMain {

  public static void main(String[] args) {
    CommandLine commandLine = new CommandLine(new GatewayMain())
        // a configuration mistake is the operator's to fix: its message says where, a stack trace
        // would not help
        .setExecutionExceptionHandler((error, command, parsed) -> {
          if (error instanceof ConfigurationException mistake) {
            command.getErr().println("Configuration error: " + mistake.getMessage());
            return 2;
          }
          throw error;
        });
    int exitCode = commandLine.execute(args.length == 0 ? new String[] {"run"} : args);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  /**
   * Dev mode's Kafka broker and PostgreSQL binaries are in {@code event-gateway-dev.jar} only: the runtime jar that
   * images and deployments run leaves them out. Says so instead of failing on a missing class.
   */
  static boolean devStackPresent(String command) {
    try {
      ClassLoader loader = GatewayMain.class.getClassLoader();
      Class.forName("kafka.server.KafkaRaftServer", false, loader);
      Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres", false, loader);
      return true;
    } catch (ClassNotFoundException runtimeJar) {
      System.err.println(
          "'" + command + "' needs dev mode's Kafka broker and PostgreSQL, which this runtime jar"
              + " leaves out: run it from the dev jar, java -jar target/event-gateway-dev.jar "
              + command);
      return false;
    }
  }

  /** Runs one role against the Kafka and PostgreSQL the configuration names. */
  @Command(
      name = "run",
      description = "Run a role (all, ingest, processor) against configured Kafka and PostgreSQL")
  static final class Run implements Callable<Integer> {

    @Parameters(
        index = "0",
        arity = "0..1",
        description = "all, ingest or processor (default: $GATEWAY_ROLE or all)")
    String role;

    @Option(
        names = "--env",
        description = "configuration overlay conf/<env>.json (default: $GATEWAY_ENV or prod)")
    String env;

    @Override
    public Integer call() {
      Map<String, String> environment = System.getenv();
      String chosenRole = role != null ? role : environment.getOrDefault("GATEWAY_ROLE", "all");
      JsonObject config = ConfigLoader.load(
          env != null ? env : environment.getOrDefault("GATEWAY_ENV", "prod"), environment);
      return NodeLauncher.deploy(config, chosenRole, null, false);
    }
  }

  /** Dev mode: an embedded Kafka broker and a private PostgreSQL, then the gateway in role {@code all}. */
  @Command(
      name = "dev",
      description = "Run everything locally: embedded Kafka, private PostgreSQL, gateway")
  static final class Dev implements Callable<Integer> {

    @Option(
        names = "--fresh",
        description = "discard the Kafka and PostgreSQL data of earlier dev runs")
    boolean fresh;

    @Option(
        names = "--external-kafka",
        description =
            "use the broker kafka.bootstrap.servers names ($GATEWAY_KAFKA_BOOTSTRAP_SERVERS) instead of "
                + "starting one in this process, e.g. one started with the kafka command")
    boolean externalKafka;

    @Option(
        names = "--role",
        defaultValue = "all",
        description =
            "the gateway role beside the stack (default all); 'ingest' leaves processing to `run processor`")
    String role;

    @Override
    public Integer call() throws Exception {
      if (!devStackPresent("dev")) {
        return 2;
      }
      Map<String, String> environment = System.getenv();
      JsonObject config = ConfigLoader.load("dev", environment);
      boolean externalDatabase = environment.containsKey("DATABASE_URL");
      DevStack stack =
          DevStack.start(config.getJsonObject("dev"), fresh, !externalDatabase, !externalKafka);
      if (!externalKafka) {
        config.getJsonObject("kafka").put("bootstrap.servers", stack.kafkaBootstrapServers());
      }
      if (!externalDatabase) {
        config.getJsonObject("postgres").put("url", stack.postgresUrl());
      }
      JsonObject simulator = config.getJsonObject("llmSimulator");
      config
          .getJsonObject("llm")
          .put(
              "baseUrl",
              "http://" + simulator.getString("host") + ":" + simulator.getInteger("port") + "/v1");
      int started = NodeLauncher.deploy(config, role, stack, true);
      if (started == 0) {
        System.out.println("dev api key: "
            + DevApiKey.ensure(config, Path.of(config.getJsonObject("dev").getString("dataDir"))));
      }
      return started;
    }
  }

  /**
   * Dev mode's Kafka broker alone, in a process of its own: for measuring the gateway's CPU apart from the broker's
   * ({@code loadtest/bench.sh}), with {@code dev --external-kafka} beside it.
   */
  @Command(
      name = "kafka",
      description = "Run dev mode's embedded Kafka broker alone (KRaft, one node)")
  static final class Kafka implements Callable<Integer> {

    @Option(
        names = "--dir",
        defaultValue = "target/dev/kafka",
        description = "its data (default target/dev/kafka)")
    Path dir;

    @Option(names = "--port", defaultValue = "19092", description = "client port (default 19092)")
    int port;

    @Option(
        names = "--controller-port",
        defaultValue = "19093",
        description = "KRaft controller port (default 19093)")
    int controllerPort;

    @Override
    public Integer call() throws Exception {
      if (!devStackPresent("kafka")) {
        return 2;
      }
      io.eventgateway.dev.EmbeddedKafka broker =
          io.eventgateway.dev.EmbeddedKafka.start(dir, port, controllerPort);
      Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-shutdown"));
      System.out.println("kafka broker listening on " + broker.bootstrapServers());
      Thread.currentThread().join();
      return 0;
    }
  }

  /** The OpenAI-compatible LLM simulator alone, configured by the {@code llmSimulator} section. */
  @Command(name = "llm-sim", description = "Run the OpenAI-compatible LLM simulator alone")
  static final class LlmSim implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
      JsonObject config =
          ConfigLoader.load(System.getenv().getOrDefault("GATEWAY_ENV", "dev"), System.getenv());
      Vertx vertx = Vertx.vertx();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close(), "llm-sim-shutdown"));
      vertx
          .deployVerticle(new LlmSimulatorVerticle(), new DeploymentOptions().setConfig(config))
          .await(1, TimeUnit.MINUTES);
      return 0;
    }
  }
}
