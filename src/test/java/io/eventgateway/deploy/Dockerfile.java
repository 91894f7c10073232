package io.eventgateway.deploy;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The project's {@code Dockerfile} read into its instructions (continuation lines joined, comments dropped), so that
 * tests can check its rules and run exactly the command the image runs.
 */
public record Dockerfile(List<Instruction> instructions) {

  /** Where the image keeps the fat jar. */
  public static final String IMAGE_JAR = "/app/event-gateway.jar";

  /** One instruction: its keyword (upper case), its arguments as written, and the build stage it belongs to. */
  public record Instruction(String keyword, String arguments, int stage) {

    /** The exec form's words ({@code ["java", "-jar", …]}); empty for the shell form. */
    public List<String> execForm() {
      return Dockerfile.execForm(arguments);
    }
  }

  public static Dockerfile read(Path path) {
    List<String> lines;
    try {
      lines = Files.readAllLines(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    int stage = -1;
    for (String line : lines) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.length() == 0)) {
        continue;
      }
      boolean continues = trimmed.endsWith("\\");
      pending
          .append(continues ? trimmed.substring(0, trimmed.length() - 1).strip() : trimmed)
          .append(' ');
      if (!continues) {
        String text = pending.toString().strip();
        pending.setLength(0);
        int space = text.indexOf(' ');
        String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        if (keyword.equals("FROM")) {
          stage++;
        }
        instructions.add(
            new Instruction(keyword, space < 0 ? "" : text.substring(space + 1).strip(), stage));
      }
    }
    return new Dockerfile(List.copyOf(instructions));
  }

  public List<Instruction> all(String keyword) {
    return instructions.stream()
        .filter(instruction -> instruction.keyword().equals(keyword))
        .toList();
  }

  /** The last such instruction of the final (runtime) stage: the one that takes effect. */
  public Optional<Instruction> effective(String keyword) {
    int last = all("FROM").size() - 1;
    return instructions.stream()
        .filter(instruction -> instruction.keyword().equals(keyword) && instruction.stage() == last)
        .reduce((first, second) -> second);
  }

  /** The image's command: its ENTRYPOINT's exec form. */
  public List<String> entrypoint() {
    return effective("ENTRYPOINT")
        .orElseThrow(() -> new IllegalStateException("Dockerfile has no ENTRYPOINT"))
        .execForm();
  }

  /** The HEALTHCHECK's command without its options: exec form as is, shell form as {@code /bin/sh -c TEXT}. */
  public List<String> healthcheck() {
    String arguments = effective("HEALTHCHECK")
        .orElseThrow(() -> new IllegalStateException("no HEALTHCHECK"))
        .arguments();
    String command = arguments.substring(arguments.indexOf("CMD ") + 4).strip();
    return command.startsWith("[") ? execForm(command) : List.of("/bin/sh", "-c", command);
  }

  private static List<String> execForm(String text) {
    if (!text.startsWith("[")) {
      return List.of();
    }
    List<String> words = new ArrayList<>();
    new JsonArray(text).forEach(word -> words.add((String) word));
    return List.copyOf(words);
  }

  /**
   * The image's {@code command} with the jar's path inside the image replaced by {@code jar} and {@code java} by
   * {@code javaBinary}: what a test runs to run the image's command on this machine.
   */
  public static List<String> onThisMachine(List<String> command, String javaBinary, Path jar) {
    return command.stream()
        .map(word ->
            word.equals("java") ? javaBinary : word.equals(IMAGE_JAR) ? jar.toString() : word)
        .toList();
  }
}
