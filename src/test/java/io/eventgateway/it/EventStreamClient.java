package io.eventgateway.it;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads a {@code text/event-stream} as the WHATWG rules for EventSource do: {@code id:} sets the last event id even
 * on a block without data (which dispatches nothing), a blank line dispatches, comments are skipped. Its own thread;
 * {@link #close()} drops the connection as a client that goes away does.
 */
final class EventStreamClient implements AutoCloseable {

  /** A dispatched event: its name ({@code message} unless the stream said otherwise), data and last event id. */
  record Event(String name, String data, String lastEventId) {

    JsonObject json() {
      return new JsonObject(data);
    }
  }

  final List<Event> events = new CopyOnWriteArrayList<>();
  final List<String> comments = new CopyOnWriteArrayList<>();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final HttpResponse<InputStream> response;
  private volatile String lastEventId;
  private volatile boolean ended;

  private EventStreamClient(HttpResponse<InputStream> response) {
    this.response = response;
  }

  /** Connects with {@code headers} (Accept: text/event-stream is added) and reads until closed. */
  static EventStreamClient open(String url, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
    headers.forEach(request::header);
    EventStreamClient client = new EventStreamClient(
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    if (client.status() == 200) {
      new Thread(client::read, "event-stream-client").start();
    }
    return client;
  }

  int status() {
    return response.statusCode();
  }

  String lastEventId() {
    return lastEventId;
  }

  /** Whether the server ended the stream. */
  boolean ended() {
    return ended;
  }

  private void read() {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String name = null;
      StringBuilder data = null;
      String id = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isEmpty()) {
          if (id != null) {
            lastEventId = id;
          }
          if (data != null) {
            events.add(new Event(name == null ? "message" : name, data.toString(), lastEventId));
          }
          name = null;
          data = null;
          id = null;
        } else if (line.startsWith(":")) {
          comments.add(line.substring(1).trim());
        } else if (line.startsWith("data:")) {
          data = (data == null ? new StringBuilder() : data.append('\n'))
              .append(line.substring(5).stripLeading());
        } else if (line.startsWith("id:")) {
          id = line.substring(3).stripLeading();
        } else if (line.startsWith("event:")) {
          name = line.substring(6).stripLeading();
        }
      }
      ended = true;
    } catch (IOException closed) {
      // closed by close(), or the server went away
    }
  }

  /** Drops the connection at once (closing the body stream cancels the exchange). */
  @Override
  public void close() throws IOException {
    response.body().close();
  }
}
