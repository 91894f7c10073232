package io.eventgateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code health}: exits 0 when a health endpoint answers 2xx, 1 otherwise. The container image's HEALTHCHECK runs
 * it, so the image needs no curl; the tests run the same command against a live node.
 */
@Command(
    name = "health",
    description =
        "Probe a health endpoint: exit 0 on 2xx, 1 otherwise (for container HEALTHCHECKs)")
final class HealthProbe implements Callable<Integer> {

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:9090/health/live",
      description = "the endpoint (default: ${DEFAULT-VALUE})")
  String url;

  @Option(
      names = "--timeout-ms",
      defaultValue = "2000",
      description = "connect and answer timeout (default: ${DEFAULT-VALUE})")
  long timeoutMs;

  @Override
  public Integer call() {
    HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMs)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofMillis(timeoutMs))
        .GET()
        .build();
    try {
      int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      System.out.println(url + " " + status);
      return status / 100 == 2 ? 0 : 1;
    } catch (Exception e) {
      System.out.println(url + " unreachable: " + e);
      return 1;
    }
  }
}
