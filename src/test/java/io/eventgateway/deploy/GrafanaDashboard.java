package io.eventgateway.deploy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The provisioned Grafana dashboard, and the gateway metrics its queries read. */
public final class GrafanaDashboard {

  public static final Path PATH = Path.of("deploy/grafana/dashboards/event-gateway.json");

  private static final Pattern METRIC = Pattern.compile("\\b((?:gateway|kafka|vertx)_[a-z0-9_]+)");

  private GrafanaDashboard() {}

  public static JsonObject read() {
    try {
      return new JsonObject(Files.readString(PATH));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every metric name that a panel's PromQL reads. */
  public static Set<String> metricNames(JsonObject dashboard) {
    Set<String> names = new TreeSet<>();
    dashboard
        .getJsonArray("panels")
        .forEach(panel -> ((JsonObject) panel).getJsonArray("targets").forEach(target -> {
          Matcher matcher = METRIC.matcher(((JsonObject) target).getString("expr"));
          while (matcher.find()) {
            names.add(matcher.group(1));
          }
        }));
    return names;
  }
}
