package example;

import io.eventgateway.client.Event;
import io.eventgateway.client.EventResult;
import io.eventgateway.client.GatewayClient;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** The first example of clients/java/README.md, run as written by JavaClientIT. */
public class FirstEvents {

  public static void main(String[] args) throws Exception {
    // dev mode prints its key: "dev api key: egk_…"
    URI gateway = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:8080");
    String key = args.length > 1 ? args[1] : System.getenv("GATEWAY_KEY");
    for (EventResult result : send(gateway, key)) {
      System.out.println(result);
    }
  }

  public static List<EventResult> send(URI gateway, String key) throws Exception {
    try (GatewayClient client = GatewayClient.builder(gateway).apiKey(key).build()) {
      Event view = Event.of(
          "analytics.page_view",
          "/docs/example",
          Map.of("user_id", "u-1", "url", "https://shop.example/p/1", "device", "DESKTOP"));
      Event broken = Event.of("analytics.page_view", "/docs/example", Map.of("url", "no user"));
      // one result per event: Acknowledged with its Kafka offset, or Refused with the field and why
      return client.sendBatch(List.of(view, broken)).get();
    }
  }
}
