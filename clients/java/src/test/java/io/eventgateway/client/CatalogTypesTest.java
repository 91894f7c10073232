package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link CatalogTypes}: the generated records compile, and wrong uses do not. */
@DisplayName("CatalogTypes")
public class CatalogTypesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A family's union of records, as the registry holds it: the second uses the first's enum by name. */
  private static final String FAMILY = """
      [{"type":"record","name":"PageView","doc":"A user viewed a page.","fields":[
         {"name":"user_id","type":"string"},
         {"name":"session_id","type":["null","string"],"default":null},
         {"name":"device","type":{"type":"enum","name":"DeviceType","symbols":["DESKTOP","MOBILE"]},"default":"DESKTOP"},
         {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
         {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
           {"name":"sku","type":"string"},{"name":"price","type":"double"}]}},"default":[]}]},
       {"type":"record","name":"Click","doc":"A user clicked.","fields":[
         {"name":"user_id","type":"string"},{"name":"device","type":"DeviceType"}]}]
      """;

  @Test
  @DisplayName(
      "the generated records compile and make events of their type; a wrong use does not compile")
  void generatedRecordsCompile() throws Exception {
    JsonNode family = JSON.readTree(FAMILY);
    String source = CatalogTypes.javaSource(
        "com.example.events",
        List.of(
            new CatalogTypes.Type(
                "analytics.page_view",
                "A user viewed a page.",
                CatalogTypes.recordOf(family, "A user viewed a page.")),
            new CatalogTypes.Type(
                "analytics.click",
                "A user clicked.",
                CatalogTypes.recordOf(family, "A user clicked."))));
    assertThat(source)
        .contains("public record AnalyticsPageView(")
        .contains("public enum DeviceType");
    assertThat(compile(source, """
        import com.example.events.Events;
        import io.eventgateway.client.Event;
        class Uses {
          Event view = new Events.AnalyticsPageView("u-1", null, Events.DeviceType.MOBILE,
              "2026-12-02T10:00:00Z", java.util.List.of(new Events.Item("sku-1", 9.5))).event("/shop/web");
          Event click = new Events.AnalyticsClick("u-1", Events.DeviceType.DESKTOP).event("/shop/web");
        }
        """)).isEmpty();
    assertThat(compile(source, """
        import com.example.events.Events;
        class Wrong {
          Object click = new Events.AnalyticsClick("u-1", Events.DeviceType.WATCH);
        }
        """)).contains("WATCH");
  }

  /** Compiles the generated {@code Events} with {@code use}; the compiler's errors, empty when it compiles. */
  static String compile(String events, String use) throws IOException {
    return compileInto(Files.createTempDirectory("catalog-types-"), events, use);
  }

  /** As {@link #compile}, the classes into {@code dir}'s {@code out} (JavaClientIT loads them from there). */
  public static String compileInto(Path dir, String events, String use) throws IOException {
    Path eventsFile =
        Files.createDirectories(dir.resolve("com/example/events")).resolve("Events.java");
    Files.writeString(eventsFile, events);
    Path useFile = dir.resolve(use.contains("class Wrong") ? "Wrong.java" : "Uses.java");
    Files.writeString(useFile, use);
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    boolean compiled = javac
        .getTask(
            null,
            null,
            diagnostics,
            List.of(
                "-classpath",
                System.getProperty("java.class.path"),
                "-d",
                dir.resolve("out").toString()),
            null,
            javac
                .getStandardFileManager(null, null, null)
                .getJavaFileObjects(eventsFile.toFile(), useFile.toFile()))
        .call();
    return compiled
        ? ""
        : diagnostics.getDiagnostics().stream()
            .map(diagnostic -> diagnostic.getMessage(null))
            .toList()
            .toString();
  }
}
