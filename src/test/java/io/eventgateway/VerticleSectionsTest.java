package io.eventgateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.eventgateway.config.ConfigLoader;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.store.PgWriterVerticle;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "Each verticle is deployed with the configuration sections it declares, and only those")
class VerticleSectionsTest {

  private static final JsonObject CONFIG = ConfigLoader.load("prod", Map.of());

  @Test
  @DisplayName("every verticle but the node's own declares its sections")
  void everyVerticleDeclares() {
    classes()
        .that()
        .areAssignableTo(VerticleBase.class)
        .and()
        .doNotHaveSimpleName("MainVerticle")
        .should()
        .beAnnotatedWith(ConfigSections.class)
        .check(new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.eventgateway"));
  }

  @Test
  @DisplayName(
      "every verticle of every role gets exactly the sections it declares, all of which exist")
  void rolesDeploySections() {
    for (String role : new String[] {"all", "ingest", "processor"}) {
      for (Object entry : MainVerticle.descriptor(role).getJsonArray("verticles")) {
        String main = ((JsonObject) entry).getString("main");
        JsonObject sections = MainVerticle.sectionsOf(main, CONFIG);
        assertThat(sections.fieldNames())
            .as(main)
            .isNotEmpty()
            .allSatisfy(name -> assertThat(sections.getValue(name)).isNotNull())
            .isSubsetOf(CONFIG.fieldNames());
      }
    }
    assertThat(MainVerticle.sectionsOf(PgWriterVerticle.class.getName(), CONFIG).fieldNames())
        .containsExactlyInAnyOrder("postgres", "quality", "analytics");
  }

  @Test
  @DisplayName("a declared section the configuration lacks stops the deployment, naming both")
  void missingSection() {
    JsonObject withoutQuality = CONFIG.copy();
    withoutQuality.remove("quality");
    assertThatThrownBy(
            () -> MainVerticle.sectionsOf(PgWriterVerticle.class.getName(), withoutQuality))
        .hasMessageContaining("PgWriterVerticle")
        .hasMessageContaining("'quality'");
  }
}
