package io.eventgateway.loadtest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a phase's CPU went and how much heap the gateway used, read from Linux's {@code /proc} and the gateway's
 * Prometheus {@code /metrics}: cores used by the gateway processes (the embedded Kafka broker of dev mode runs in
 * the same JVM), by the load generator (this JVM) and by the machine as a whole (PostgreSQL is the rest).
 */
final class Machine implements AutoCloseable {

  /** CPU used during a phase, in cores (1.0 = one core busy the whole time). */
  record Cpu(double gateway, double generator, double machine) {
  }

  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private final List<Long> gatewayPids;
  private final List<URI> metrics;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "heap-sampler");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicLong peakHeapBytes = new AtomicLong();

  Machine(List<Long> gatewayPids, List<URI> metrics) {
    this.gatewayPids = gatewayPids;
    this.metrics = metrics;
    sampler.scheduleAtFixedRate(this::sampleHeap, 0, 250, TimeUnit.MILLISECONDS);
  }

  /** A point to measure CPU from; {@link #cpuSince} gives the cores used since. */
  long[] mark() {
    long gateway = gatewayPids.stream().mapToLong(Machine::processTicks).sum();
    long generator = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    return new long[] {System.nanoTime(), gateway, generator, machineBusyTicks()};
  }

  Cpu cpuSince(long[] mark) {
    long[] now = mark();
    double ticks = (now[0] - mark[0]) / 1e9 * CLOCK_TICKS_PER_SECOND;
    return new Cpu((now[1] - mark[1]) / ticks, (now[2] - mark[2]) / ticks, (now[3] - mark[3]) / ticks);
  }

  /** @return the largest heap use seen since the last call, in MiB, and starts over */
  double takePeakHeapMib() {
    return peakHeapBytes.getAndSet(0) / 1_048_576.0;
  }

  private void sampleHeap() {
    try {
      peakHeapBytes.accumulateAndGet((long) sum("jvm_memory_used_bytes{area=\"heap\""), Math::max);
    } catch (IOException | InterruptedException | RuntimeException e) {
      // the gateway is busy or restarting: the next sample counts
    }
  }

  /**
   * @return events Kafka acknowledged to the gateway and not yet written to PostgreSQL, from the gateway's own
   *     counters (in every process)
   */
  double backlog() throws InterruptedException {
    try {
      return sum("gateway_kafka_produced_total") - sum("gateway_pg_batch_size_sum");
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  /** The sum of every sample of a metric whose line starts with {@code prefix}, over all the gateway processes. */
  private double sum(String prefix) throws IOException, InterruptedException {
    double sum = 0;
    for (URI uri : metrics) {
      String text = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String line : text.split("\n")) {
        if (line.startsWith(prefix)) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }

  /** utime + stime of a process, in clock ticks. */
  private static long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Busy clock ticks of all cores: everything but idle and iowait. */
  private static long machineBusyTicks() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < fields.length && i <= 8; i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(fields[i]);
        }
      }
      return busy;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** "2 × Intel(R) Xeon(R) …, 24 GiB, OpenJDK 17.0.15" */
  static String describe() {
    String cpu = "unknown CPU";
    long memoryKib = 0;
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
          .findFirst().map(line -> line.substring(line.indexOf(':') + 2)).orElse(cpu);
      memoryKib = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal"))
          .findFirst().map(line -> Long.parseLong(line.replaceAll("\\D", ""))).orElse(0L);
    } catch (IOException e) {
      // not Linux: the description says less
    }
    return Runtime.getRuntime().availableProcessors() + " × " + cpu + ", " + Math.round(memoryKib / 1_048_576.0)
        + " GiB, Java " + System.getProperty("java.version");
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
