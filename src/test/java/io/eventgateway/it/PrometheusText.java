package io.eventgateway.it;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads a node's {@code /metrics} (Prometheus text format). */
final class PrometheusText {

  private PrometheusText() {}

  /** The sum of a metric's series. */
  static double sum(String managementUrl, String name) {
    return series(managementUrl, name).stream()
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** The lines of a metric's series, labels included, e.g. {@code jvm_memory_max_bytes{area="heap",…} 4.0E8}. */
  static List<String> series(String managementUrl, String name) {
    return new ApiClient(managementUrl)
        .get("/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .toList();
  }

  static Set<String> names(String managementUrl) {
    Set<String> names = new HashSet<>();
    new ApiClient(managementUrl)
        .get("/metrics")
        .body()
        .lines()
        .filter(line -> !line.startsWith("#"))
        .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
    return names;
  }
}
