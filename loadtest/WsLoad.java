import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounded WebSocket ingest load: CONNECTIONS clients each send EVENTS page views to /v1/stream as fast as the
 * gateway takes them and count the acks. Prints acknowledged events per second (first send to last ack).
 * Run: java loadtest/WsLoad.java [CONNECTIONS=1] [EVENTS=100000] [URL=ws://127.0.0.1:8080/v1/stream]
 * Authenticates with $GATEWAY_API_KEY or dev mode's key. Only loopback URLs are accepted; every client stops after its EVENTS or 5 minutes.
 */
public class WsLoad {
  public static void main(String[] args) throws Exception {
    int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    URI url = URI.create(args.length > 2 ? args[2] : "ws://127.0.0.1:8080/v1/stream");
    if (!url.getHost().equals("127.0.0.1") && !url.getHost().equals("localhost")) {
      throw new IllegalArgumentException("loopback targets only: " + url);
    }
    String run = Long.toString(System.nanoTime(), 36);
    AtomicLong acked = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    CountDownLatch done = new CountDownLatch(connections);
    HttpClient http = HttpClient.newHttpClient();
    List<WebSocket> sockets = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      sockets.add(http.newWebSocketBuilder().header("Authorization", "Bearer " + apiKey()).buildAsync(url, new WebSocket.Listener() {
        long mine;
        final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
          partial.append(data);
          if (last) {
            String ack = partial.toString();
            partial.setLength(0);
            if (ack.contains("\"status\":202")) {
              acked.incrementAndGet();
            } else {
              if (rejected.incrementAndGet() == 1) {
                System.out.println("first rejection: " + ack);
              }
            }
            if (++mine == events) {
              done.countDown();
            }
          }
          socket.request(1);
          return null;
        }
      }).join());
    }
    long start = System.nanoTime();
    List<CompletableFuture<Void>> senders = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      WebSocket socket = sockets.get(c);
      int client = c;
      senders.add(CompletableFuture.runAsync(() -> {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        for (int i = 0; i < events && System.nanoTime() < deadline; i++) {
          socket.sendText("{\"specversion\":\"1.0\",\"id\":\"ws-" + run + "-" + client + "-" + i
              + "\",\"source\":\"/loadtest\",\"type\":\"analytics.page_view\",\"data\":{\"user_id\":\"u-" + (i % 5000)
              + "\",\"url\":\"https://shop.example/p/" + (i % 900) + "\",\"device\":\"MOBILE\"}}", true).join();
        }
      }));
    }
    CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).join();
    boolean complete = done.await(5, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("connections=%d events=%d acked=%d rejected=%d complete=%s in %.2f s = %.0f acked events/s%n",
        connections, (long) connections * events, acked.get(), rejected.get(), complete, seconds, acked.get() / seconds);
    sockets.forEach(WebSocket::abort);
  }

  /** $GATEWAY_API_KEY, else the admin key dev mode keeps in target/dev. */
  static String apiKey() throws java.io.IOException {
    String key = System.getenv().getOrDefault("GATEWAY_API_KEY", "");
    java.nio.file.Path devKey = java.nio.file.Path.of("target", "dev", "dev-api-key");
    return key.isBlank() && java.nio.file.Files.isRegularFile(devKey) ? java.nio.file.Files.readString(devKey).trim() : key;
  }
}
