package io.eventgateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The packages of {@code src/main} import each other only as the table of docs/architecture.md allows. */
@DisplayName("Package structure (docs/architecture.md)")
class ArchitectureTest {

  private static final String ROOT = "io.eventgateway";
  private static final Pattern ROW =
      Pattern.compile("(?m)^\\| `([a-z]+)` \\| [^|]+ \\|([^|\\n]*)\\|$");

  private static JavaClasses classes;
  private static Map<String, Set<String>> allowed;

  @BeforeAll
  static void load() throws IOException {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);
    allowed = allowedImports(Files.readString(Path.of("docs/architecture.md")));
  }

  @Test
  @DisplayName("every package has a row, and every row a package")
  void everyPackageDocumented() {
    Set<String> packages = classes.stream()
        .map(JavaClass::getPackageName)
        .filter(name -> name.startsWith(ROOT + "."))
        .map(ArchitectureTest::topLevel)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(allowed.keySet()).containsExactlyInAnyOrderElementsOf(packages);
  }

  @Test
  @DisplayName("no cycle between packages")
  void noCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  @DisplayName(
      "each package imports only what its row allows, and none imports io.eventgateway itself")
  void onlyAllowedImports() {
    allowed.forEach((name, imports) -> {
      String[] forbidden = allowed.keySet().stream()
          .filter(other -> !other.equals(name) && !imports.contains(other))
          .map(other -> ROOT + "." + other + "..")
          .toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage(ROOT + "." + name + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(forbidden)
          .orShould()
          .dependOnClassesThat()
          .resideInAPackage(ROOT)
          .because("docs/architecture.md lets `" + name + "` import only " + imports)
          .check(classes);
    });
  }

  @Test
  @DisplayName(
      "Kafka clients are created and driven in `kafka` only (and by dev mode's embedded broker)")
  void kafkaClientsInKafka() {
    noClasses()
        .that()
        .resideOutsideOfPackages(ROOT + ".kafka..", ROOT + ".dev..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vertx.kafka..",
            "org.apache.kafka.clients.admin..",
            "org.apache.kafka.clients.producer..")
        .because("docs/architecture.md: every Kafka client lives in `kafka`")
        .check(classes);
  }

  /** Package → the packages it may import, from the table's first and last columns. */
  static Map<String, Set<String>> allowedImports(String page) {
    Map<String, Set<String>> table = new LinkedHashMap<>();
    Matcher row = ROW.matcher(page);
    while (row.find()) {
      table.put(
          row.group(1),
          Arrays.stream(row.group(2).split(","))
              .map(cell -> cell.replace("`", "").trim())
              .filter(cell -> !cell.isEmpty())
              .collect(Collectors.toCollection(TreeSet::new)));
    }
    return table;
  }

  private static String topLevel(String packageName) {
    String rest = packageName.substring(ROOT.length() + 1);
    return rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
  }
}
