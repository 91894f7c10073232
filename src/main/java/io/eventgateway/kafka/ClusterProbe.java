package io.eventgateway.kafka;

import io.eventgateway.config.KafkaConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;

/**
 * Asks the cluster who its brokers are, for the readiness check: one admin client per node, on Kafka's own admin
 * API like topic creation. Its answers come back on the caller's context.
 */
public final class ClusterProbe {

  private final Vertx vertx;
  private final Admin admin;

  public ClusterProbe(Vertx vertx, KafkaConfig kafka) {
    this.vertx = vertx;
    this.admin = Admin.create(KafkaSettings.admin(kafka));
  }

  /** @return the brokers' count and the cluster id */
  public Future<JsonObject> describe() {
    DescribeClusterResult cluster = admin.describeCluster();
    return Future.fromCompletionStage(
            cluster.nodes().toCompletionStage(), vertx.getOrCreateContext())
        .compose(nodes -> Future.fromCompletionStage(
                cluster.clusterId().toCompletionStage(), vertx.getOrCreateContext())
            .map(id -> new JsonObject().put("brokers", nodes.size()).put("clusterId", id)));
  }

  /** Closing waits for the admin's network thread: off the event loop. */
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      admin.close();
      return null;
    });
  }
}
