package io.eventgateway.dev;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running in this JVM, for dev
 * mode and tests. Its log directory survives restarts: formatting is skipped when it is already formatted.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final String bootstrapServers;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Formats {@code dir} if needed and starts the broker.
   *
   * @param port the client port, {@code 0} for a free one
   * @param controllerPort the KRaft controller port, {@code 0} for a free one
   */
  public static EmbeddedKafka start(Path dir, int port, int controllerPort) {
    return start(dir, port, controllerPort, Map.of());
  }

  /**
   * As {@link #start(Path, int, int)}; with {@code plainUsers} (user name to password) the client listener takes
   * SASL/PLAIN over plain text ({@code SASL_PLAINTEXT}) and knows those users, as a secured cluster would.
   */
  public static EmbeddedKafka start(
      Path dir, int port, int controllerPort, Map<String, String> plainUsers) {
    int brokerPort = port == 0 ? FreePorts.pick() : port;
    int quorumPort = controllerPort == 0 ? FreePorts.pick() : controllerPort;
    String listener = plainUsers.isEmpty() ? "PLAINTEXT" : "SASL_PLAINTEXT";
    Properties properties = new Properties();
    properties.put("process.roles", "broker,controller");
    properties.put("node.id", "1");
    properties.put("controller.quorum.voters", "1@127.0.0.1:" + quorumPort);
    properties.put(
        "listeners",
        listener + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + quorumPort);
    properties.put("advertised.listeners", listener + "://127.0.0.1:" + brokerPort);
    properties.put("controller.listener.names", "CONTROLLER");
    properties.put("inter.broker.listener.name", listener);
    properties.put(
        "listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
    if (!plainUsers.isEmpty()) {
      properties.put("sasl.enabled.mechanisms", "PLAIN");
      properties.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
      StringBuilder jaas =
          new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
      Map.Entry<String, String> broker = plainUsers.entrySet().iterator().next();
      jaas.append(" username=\"")
          .append(broker.getKey())
          .append("\" password=\"")
          .append(broker.getValue())
          .append('"');
      plainUsers.forEach((user, password) ->
          jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
      properties.put(
          "listener.name.sasl_plaintext.plain.sasl.jaas.config",
          jaas.append(';').toString());
    }
    properties.put("log.dirs", dir.resolve("logs").toAbsolutePath().toString());
    properties.put("offsets.topic.replication.factor", "1");
    properties.put("offsets.topic.num.partitions", "3");
    properties.put("transaction.state.log.replication.factor", "1");
    properties.put("transaction.state.log.min.isr", "1");
    properties.put("group.initial.rebalance.delay.ms", "0");
    properties.put("num.partitions", "1");
    properties.put("auto.create.topics.enable", "false");
    properties.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    try {
      Files.createDirectories(dir);
      Path configFile = dir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(configFile)) {
        properties.store(out, "embedded Kafka broker of the event gateway");
      }
      int rc = StorageTool.execute(new String[] {
        "format", "-t", clusterId(dir), "-c", configFile.toString(), "--ignore-formatted"
      });
      if (rc != 0) {
        throw new IllegalStateException(
            "kafka-storage format failed with exit code " + rc + " in " + dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka directory " + dir, e);
    }
    KafkaRaftServer server =
        new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
    server.startup();
    String bootstrap = "127.0.0.1:" + brokerPort;
    LOG.info("Embedded Kafka broker listening on {} (data in {})", bootstrap, dir.toAbsolutePath());
    return new EmbeddedKafka(server, bootstrap);
  }

  /** The cluster id is kept beside the logs: a restart must format (or skip formatting) with the same one. */
  private static String clusterId(Path dir) throws IOException {
    Path file = dir.resolve("cluster.id");
    if (Files.isRegularFile(file)) {
      return Files.readString(file).trim();
    }
    String id = Uuid.randomUuid().toString();
    Files.writeString(file, id);
    return id;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
