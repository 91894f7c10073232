package io.eventgateway.it;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A page in Debian's headless Chromium, driven over the DevTools protocol in real time: for pages that keep a
 * connection open (an {@code EventSource}), which {@code --virtual-time-budget} would wait on forever.
 */
final class ChromiumPage implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process chromium;
  private final WebSocket devtools;
  private final Map<Integer, CompletableFuture<JsonObject>> answers = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  private ChromiumPage(Process chromium, WebSocket devtools) {
    this.chromium = chromium;
    this.devtools = devtools;
  }

  /** Opens {@code url} in a new headless Chromium (see {@link HeadlessChromium#assumeInstalled()}). */
  static ChromiumPage open(String url) throws Exception {
    Process chromium = new ProcessBuilder(HeadlessChromium.command(
            "--window-size=1200,800", "--remote-debugging-port=0", "about:blank"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    String browser = null;
    BufferedReader errors = new BufferedReader(
        new InputStreamReader(chromium.getErrorStream(), StandardCharsets.UTF_8));
    for (String line = errors.readLine();
        line != null && browser == null;
        line = errors.readLine()) {
      Matcher listening = LISTENING.matcher(line);
      if (listening.find()) {
        browser = listening.group(1);
      }
    }
    if (browser == null) {
      chromium.destroyForcibly();
      throw new IllegalStateException("chromium printed no DevTools address");
    }
    Thread drain = new Thread(() -> {
      try {
        errors.transferTo(java.io.Writer.nullWriter());
      } catch (IOException gone) {
        // chromium ended
      }
    });
    drain.setDaemon(true);
    drain.start();
    URI endpoint = URI.create(browser.replace("ws://", "http://"));
    String base = "http://" + endpoint.getAuthority();
    HttpClient http = HttpClient.newHttpClient();
    JsonObject target = new JsonObject(http.send(
            HttpRequest.newBuilder(URI.create(
                    base + "/json/new?" + URLEncoder.encode(url, StandardCharsets.UTF_8)))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body());
    ChromiumPage[] page = new ChromiumPage[1];
    WebSocket socket = http.newWebSocketBuilder()
        .buildAsync(URI.create(target.getString("webSocketDebuggerUrl")), new WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              JsonObject message = new JsonObject(partial.toString());
              partial.setLength(0);
              CompletableFuture<JsonObject> answer = message.containsKey("id")
                  ? page[0].answers.remove(message.getInteger("id"))
                  : null;
              if (answer != null) {
                answer.complete(message);
              }
            }
            webSocket.request(1);
            return null;
          }
        })
        .get(10, TimeUnit.SECONDS);
    page[0] = new ChromiumPage(chromium, socket);
    return page[0];
  }

  /** The value of a JavaScript expression in the page (awaited when it is a promise), as text. */
  String evaluate(String expression) throws Exception {
    JsonObject result = call(
        "Runtime.evaluate",
        new JsonObject()
            .put("expression", expression)
            .put("returnByValue", true)
            .put("awaitPromise", true));
    if (result.containsKey("exceptionDetails")) {
      throw new IllegalStateException(result.getJsonObject("exceptionDetails").encode());
    }
    Object value = result.getJsonObject("result").getValue("value");
    return value == null ? null : String.valueOf(value);
  }

  /** The page as it looks now, as a PNG file. */
  void screenshot(Path file) throws Exception {
    String png =
        call("Page.captureScreenshot", new JsonObject().put("format", "png")).getString("data");
    Files.write(file, java.util.Base64.getDecoder().decode(png));
  }

  private JsonObject call(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    answers.put(id, answer);
    devtools
        .sendText(
            new JsonObject()
                .put("id", id)
                .put("method", method)
                .put("params", params)
                .encode(),
            true)
        .get(10, TimeUnit.SECONDS);
    JsonObject answered = answer.get(30, TimeUnit.SECONDS);
    if (answered.containsKey("error")) {
      throw new IllegalStateException(
          method + ": " + answered.getJsonObject("error").encode());
    }
    return answered.getJsonObject("result");
  }

  @Override
  public void close() {
    devtools.abort();
    chromium.destroyForcibly();
  }
}
