import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where the ingest process's CPU went, by part of an event's path: reads async-profiler's collapsed stacks (one per
 * line, {@code [thread tid=…];frame;…;frame count}, written with {@code threads}) and prints each part's share of
 * the samples. A sample on an event loop belongs to the deepest frame that names a part: a socket call or the event
 * bus wherever they are called from, else the gateway's own code (so the JSON parsing the body reader calls is the
 * body reader's), else the framework's part it is in.
 *
 * <pre>java loadtest/ProfileParts.java ingest.collapsed</pre>
 */
public final class ProfileParts {

  /** The gateway's own classes, by the part of the path each is: the first pattern that matches names it. */
  private static final List<Map.Entry<Pattern, String>> OWN = List.of(
      part("http/Authentication|auth/", "authentication (key lookup cache, rate limit)"),
      part("ingest/CloudEventsReader|ingest/JsonLimits", "reading the body (JSON parsing)"),
      part("ingest/EventValidator|schema/", "validation and the Avro record"),
      part("ingest/EventProducer|ingest/AcceptStatuses|kafka/KafkaProducerVerticle|kafka/ProducerRecords"
          + "|kafka/ProduceSpans|bus/Produce", "the producer (records, Kafka's send, its answer)"),
      part("http/IngestHandler\\.respond|ingest/EventResult|ingest/Problem|http/IngestHandler\\.summary",
          "the response (JSON built and written)"),
      part("http/ConnectionGuard|http/RequestBudget|http/SecurityHeaders|http/IngestCors",
          "connection and budget guards, headers"),
      part("observability/|metrics", "metrics and tracing"),
      part("http/", "routing and the handler's own work"));

  /**
   * Work the gateway's code hands to the framework, counted as its own part wherever it is called from: the socket,
   * the event bus.
   */
  private static final List<Map.Entry<Pattern, String>> HANDED = List.of(
      part("io/netty/channel/epoll|io/netty/channel/nio|sun/nio|_\\[k\\]$"
          + "|^(__)?(libc_)?(read|write|writev|recv|send|epoll_wait|epoll_ctl)$",
          "socket reads and writes, the event loop's select"),
      part("io/vertx/core/eventbus", "event-bus hops"));

  /** Frames outside the gateway's code, for samples without any of it. */
  private static final List<Map.Entry<Pattern, String>> FRAMEWORK = List.of(
      part("io/vertx/ext/web", "routing and the handler's own work"),
      part("io/netty/handler/codec/http|io/vertx/core/http/impl", "HTTP parsing and writing (Netty, Vert.x)"),
      part("io/micrometer|io/prometheus", "metrics and tracing"),
      part("org/apache/kafka", "the producer (records, Kafka's send, its answer)"));

  private static Map.Entry<Pattern, String> part(String regex, String name) {
    return Map.entry(Pattern.compile(regex), name);
  }

  public static void main(String[] args) throws IOException {
    Map<String, Long> parts = new LinkedHashMap<>();
    Map<String, Long> threads = new TreeMap<>();
    long total = 0;
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      long samples = Long.parseLong(line.substring(space + 1).trim());
      String[] frames = line.substring(0, space).split(";");
      String thread = threadGroup(frames[0]);
      total += samples;
      threads.merge(thread, samples, Long::sum);
      if (thread.equals("event loops")) {
        parts.merge(eventLoopPart(frames), samples, Long::sum);
      }
    }
    System.out.printf("%,d samples of the ingest process%n%n", total);
    System.out.println("| threads | share of the process |");
    System.out.println("| --- | --- |");
    print(threads, total);
    long loops = threads.getOrDefault("event loops", 0L);
    System.out.println();
    System.out.println("| part, on the event loops | share of the process |");
    System.out.println("| --- | --- |");
    Map<String, Long> sorted = new TreeMap<>((a, b) -> Long.compare(parts.get(b), parts.get(a)) != 0
        ? Long.compare(parts.get(b), parts.get(a))
        : a.compareTo(b));
    sorted.putAll(parts);
    print(sorted, total);
    System.out.printf("(the event loops: %.1f %% of the process)%n", 100.0 * loops / Math.max(1, total));
  }

  private static void print(Map<String, Long> counts, long total) {
    counts.forEach((name, samples) ->
        System.out.printf("| %s | %.1f %% |%n", name, 100.0 * samples / Math.max(1, total)));
  }

  private static String threadGroup(String frame) {
    if (frame.contains("vert.x-eventloop")) {
      return "event loops";
    }
    if (frame.contains("kafka-producer-network-thread")) {
      return "Kafka producer's I/O thread";
    }
    if (frame.contains("CompilerThread") || frame.contains("C1 ") || frame.contains("C2 ")) {
      return "JIT compiler";
    }
    if (frame.contains("GC") || frame.contains("G1 ") || frame.contains("Gang")) {
      return "garbage collector";
    }
    return "other threads";
  }

  private static String eventLoopPart(String[] frames) {
    for (int i = frames.length - 1; i > 0; i--) {
      String part = match(HANDED, frames[i]);
      if (part != null) {
        return part;
      }
      if (frames[i].startsWith("io/eventgateway/")) {
        String frame = frames[i].substring("io/eventgateway/".length());
        part = match(OWN, frame);
        return part != null ? part : "other gateway code (" + frame.replaceAll("\\..*", "") + ")";
      }
      part = match(FRAMEWORK, frames[i]);
      if (part != null) {
        return part;
      }
    }
    return "other (JVM, libraries)";
  }

  private static String match(List<Map.Entry<Pattern, String>> parts, String frame) {
    for (Map.Entry<Pattern, String> part : parts) {
      if (part.getKey().matcher(frame).find()) {
        return part.getValue();
      }
    }
    return null;
  }
}
