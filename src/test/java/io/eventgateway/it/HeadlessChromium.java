package io.eventgateway.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Debian's Chromium, headless, for the tests that look at a page as a browser shows it. */
final class HeadlessChromium {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private HeadlessChromium() {}

  /** Skips the calling test, with the reason, where Chromium is not installed. */
  static void assumeInstalled() {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM), "Debian's chromium is not installed (.ci/run installs it)");
  }

  /** Headless Chromium with a new empty profile, then {@code arguments}. */
  static List<String> command(String... arguments) throws IOException {
    Path profile = Files.createTempDirectory("chromium-profile");
    // without the background-networking flags Chromium keeps trying hosts this closed network
    // refuses
    List<String> command = new java.util.ArrayList<>(List.of(
        CHROMIUM.toString(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + profile));
    command.addAll(List.of(arguments));
    return command;
  }

  /**
   * Loads {@code url}, lets its scripts run for three seconds of virtual time, and returns what Chromium printed.
   *
   * @param output {@code --dump-dom}, or {@code --screenshot=FILE}
   */
  static String render(String url, String output) throws IOException, InterruptedException {
    Process chromium = new ProcessBuilder(
            command("--window-size=1200,800", "--virtual-time-budget=3000", output, url))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
      chromium.destroyForcibly();
      throw new IllegalStateException("chromium did not finish");
    }
    return dom;
  }
}
