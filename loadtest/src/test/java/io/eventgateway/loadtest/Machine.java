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
 * Prometheus {@code /metrics}: CPU of each component in its own process, the gateway's ingest and processor
 * processes, the Kafka broker, PostgreSQL (the postmaster, its live children and those it reaped), the load
 * generator (this JVM), and of the machine as a whole.
 */
final class Machine implements AutoCloseable {

  /**
   * CPU used during a phase: each component's in cores (1.0 = one core busy the whole time), over {@code seconds}.
   */
  record Cpu(double seconds, double ingest, double ingestJit, double processing, double broker, double postgres,
      double generator, double machine, double bareServer, double eventsPerWrite) {

    /** Both gateway roles. */
    double gateway() {
      return ingest + processing;
    }

    /** CPU microseconds per event of a component that used {@code cores} while {@code events} went through. */
    double microsPerEvent(double cores, long events) {
      return events == 0 ? Double.NaN : cores * seconds * 1e6 / events;
    }
  }

  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private final List<Long> ingestPids;
  private final List<Long> processorPids;
  private final List<Long> brokerPids;
  private final List<Long> bareServerPids;
  private final Path postmasterPidFile;
  private final List<URI> metrics;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "heap-sampler");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicLong peakHeapBytes = new AtomicLong();
  /** While the processor is stopped, its {@code /metrics} is not asked (it would not answer). */
  private volatile boolean processingPaused;

  /**
   * @param postmasterPidFile PostgreSQL's {@code postmaster.pid}, or {@code null} when PostgreSQL is not measured
   */
  Machine(List<Long> ingestPids, List<Long> processorPids, List<Long> brokerPids, List<Long> bareServerPids,
      Path postmasterPidFile, List<URI> metrics) {
    this.ingestPids = ingestPids;
    this.processorPids = processorPids;
    this.brokerPids = brokerPids;
    this.bareServerPids = bareServerPids;
    this.postmasterPidFile = postmasterPidFile;
    this.metrics = metrics;
    // a scrape of /metrics costs the gateway real CPU: no more often than every 5 s
    sampler.scheduleAtFixedRate(this::sampleHeap, 0, 5, TimeUnit.SECONDS);
  }

  /** A point to measure CPU from; {@link #cpuSince} gives the cores used since. */
  long[] mark() {
    // one scrape, before the clock and the ticks: its own cost falls outside the mark
    long[] writes = writes();
    long ingest = ingestPids.stream().mapToLong(pid -> processTicks(pid, false)).sum();
    long ingestJit = ingestPids.stream().mapToLong(Machine::compilerTicks).sum();
    long processing = processorPids.stream().mapToLong(pid -> processTicks(pid, false)).sum();
    long broker = brokerPids.stream().mapToLong(pid -> processTicks(pid, false)).sum();
    long generator = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    long bareServer = bareServerPids.stream().mapToLong(pid -> processTicks(pid, false)).sum();
    return new long[] {System.nanoTime(), ingest, processing, broker, postgresTicks(), generator, machineBusyTicks(),
        bareServer, ingestJit, writes[0], writes[1]};
  }

  Cpu cpuSince(long[] mark) {
    long[] now = mark();
    double seconds = (now[0] - mark[0]) / 1e9;
    double ticks = seconds * CLOCK_TICKS_PER_SECOND;
    double[] cores = new double[9];
    for (int i = 1; i < cores.length; i++) {
      cores[i] = (now[i] - mark[i]) / ticks;
    }
    if (mark[8] < 0 || now[8] < 0 || now[8] < mark[8]) {
      cores[8] = Double.NaN; // no compiler thread found, or one ended between the marks: the JIT is not measured
    }
    long writes = now[9] - mark[9];
    double eventsPerWrite = mark[9] < 0 || now[9] < 0 || writes <= 0
        ? Double.NaN
        : (now[10] - mark[10]) / (double) writes;
    return new Cpu(seconds, cores[1], cores[8], cores[2], cores[3], cores[4], cores[5], cores[6], cores[7],
        eventsPerWrite);
  }

  /**
   * The batches the processor wrote to PostgreSQL and the events in them, so far ({@code gateway_pg_batch_size}), or
   * -1 each while it is stopped (it would not answer) or could not be read.
   */
  private long[] writes() {
    if (processingPaused) {
      return new long[] {-1, -1};
    }
    try {
      double[] sums = sums("gateway_pg_batch_size_count", "gateway_pg_batch_size_sum");
      return new long[] {Math.round(sums[0]), Math.round(sums[1])};
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new long[] {-1, -1};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  /**
   * Waits (at most {@code maxSeconds}) until the machine as a whole used less than {@code cores} over one second:
   * work a phase left behind (consumer groups catching up, the JIT, a checkpoint) is done before the next is timed.
   *
   * @return the seconds waited, negative when the machine did not get quiet in time
   */
  long awaitQuiet(double cores, int maxSeconds) throws InterruptedException {
    long started = System.nanoTime();
    for (int second = 0; second < maxSeconds; second++) {
      long busyBefore = machineBusyTicks();
      Thread.sleep(1_000);
      if (machineBusyTicks() - busyBefore < cores * CLOCK_TICKS_PER_SECOND) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      }
    }
    return -maxSeconds;
  }

  /** The postmaster with its reaped children (cutime), plus every live child: the backends and background workers. */
  private long postgresTicks() {
    if (postmasterPidFile == null) {
      return 0;
    }
    try {
      long postmaster = Long.parseLong(Files.readAllLines(postmasterPidFile).get(0).trim());
      long ticks = processTicks(postmaster, true);
      try (var processes = Files.list(Path.of("/proc"))) {
        for (Path process : (Iterable<Path>) processes::iterator) {
          String name = process.getFileName().toString();
          if (name.chars().allMatch(Character::isDigit) && parentOf(Long.parseLong(name)) == postmaster) {
            ticks += processTicks(Long.parseLong(name), false);
          }
        }
      }
      return ticks;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Stops the processor processes (SIGSTOP) until {@link #resumeProcessing}: ingest alone, a backlog builds. */
  void pauseProcessing() throws IOException, InterruptedException {
    processingPaused = true;
    signal("-STOP", processorPids);
  }

  void resumeProcessing() throws IOException, InterruptedException {
    signal("-CONT", processorPids);
    processingPaused = false;
  }

  private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
    for (long pid : pids) {
      new ProcessBuilder("kill", signal, String.valueOf(pid)).inheritIO().start().waitFor();
    }
  }

  /** @return the largest heap use seen since the last call, in MiB, and starts over */
  double takePeakHeapMib() {
    return peakHeapBytes.getAndSet(0) / 1_048_576.0;
  }

  private void sampleHeap() {
    try {
      peakHeapBytes.accumulateAndGet((long) sums("jvm_memory_used_bytes{area=\"heap\"")[0], Math::max);
    } catch (IOException | InterruptedException | RuntimeException e) {
      // the gateway is busy or restarting: the next sample counts
    }
  }

  /**
   * For each prefix, the sum of every sample whose line starts with it, over all the gateway processes (one scrape
   * of each).
   */
  private double[] sums(String... prefixes) throws IOException, InterruptedException {
    double[] sums = new double[prefixes.length];
    for (URI uri : metrics) {
      String text = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String line : text.split("\n")) {
        for (int i = 0; i < prefixes.length; i++) {
          if (line.startsWith(prefixes[i])) {
            sums[i] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          }
        }
      }
    }
    return sums;
  }

  /** utime + stime of a process (and cutime + cstime, its reaped children's, when asked), in clock ticks. */
  private static long processTicks(long pid, boolean withReapedChildren) {
    String[] fields = statFields(Path.of("/proc", String.valueOf(pid)));
    if (fields == null) {
      return 0;
    }
    long ticks = cpuTicks(fields);
    return withReapedChildren ? ticks + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : ticks;
  }

  /** utime + stime from {@link #statFields}. */
  private static long cpuTicks(String[] fields) {
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /**
   * utime + stime of a JVM's JIT compiler threads ({@code C1 CompilerThread0}, …, cut to 15 characters by the
   * kernel), in clock ticks; -1 when none was found (another JVM's names): the JIT is then not measured.
   */
  private static long compilerTicks(long pid) {
    long ticks = 0;
    boolean found = false;
    try (var threads = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        String name = threadName(thread);
        String[] fields = name.startsWith("C1 Comp") || name.startsWith("C2 Comp") ? statFields(thread) : null;
        if (fields != null) {
          ticks += cpuTicks(fields);
          found = true;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return found ? ticks : -1;
  }

  /** A thread's name, or "" when it ended since it was listed. */
  private static String threadName(Path thread) {
    try {
      return Files.readString(thread.resolve("comm"));
    } catch (IOException e) {
      return "";
    }
  }

  private static long parentOf(long pid) {
    String[] fields = statFields(Path.of("/proc", String.valueOf(pid)));
    return fields == null ? -1 : Long.parseLong(fields[1]);
  }

  /**
   * The fields of a process's or thread's {@code stat} ({@code /proc/PID} or {@code /proc/PID/task/TID}) after the
   * command name: [0] state, [1] ppid, … [11] utime, [12] stime.
   */
  private static String[] statFields(Path process) {
    try {
      String stat = Files.readString(process.resolve("stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
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
