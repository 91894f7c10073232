package io.eventgateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README stays a five-minute read, and every page it and docs/ link to (and every heading anchor) exists. */
@DisplayName("README.md and docs/")
class DocsLinksTest {

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#+ (.+)$");

  @Test
  @DisplayName("the README is under 12 KB")
  void readmeIsShort() throws IOException {
    assertThat(Files.size(Path.of("README.md"))).isLessThan(12 * 1024);
  }

  @Test
  @DisplayName(
      "every relative link points at a file that exists, and at a heading of it when it has an anchor")
  void linksResolve() throws IOException {
    List<Path> pages =
        new ArrayList<>(List.of(Path.of("README.md"), Path.of("loadtest/README.md")));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(path -> path.toString().endsWith(".md")).forEach(pages::add);
    }
    List<String> broken = new ArrayList<>();
    int links = 0;
    for (Path page : pages) {
      Matcher link = LINK.matcher(Files.readString(page));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue; // http(s), mailto: not ours to check
        }
        links++;
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        Path resolved = file.isEmpty() ? page : page.resolveSibling(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(page + " → " + target);
        } else if (target.contains("#")
            && !anchors(resolved).contains(target.substring(target.indexOf('#') + 1))) {
          broken.add(page + " → " + target + " (no such heading)");
        }
      }
    }
    assertThat(links).isGreaterThan(10);
    assertThat(broken).isEmpty();
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
  private static List<String> anchors(Path page) throws IOException {
    List<String> anchors = new ArrayList<>();
    Matcher heading = HEADING.matcher(Files.readString(page));
    while (heading.find()) {
      anchors.add(heading
          .group(1)
          .trim()
          .toLowerCase(Locale.ROOT)
          .replaceAll("[^\\p{L}\\p{N} _-]", "")
          .replace(' ', '-'));
    }
    return anchors;
  }
}
