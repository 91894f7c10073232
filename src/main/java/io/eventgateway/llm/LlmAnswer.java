package io.eventgateway.llm;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * A validated answer: every property present with a value of the right type, and nothing else taken as fact.
 *
 * @param properties the six properties, each {@code {"value": …, "evidence": …}}
 * @param raw the model's answer text as received
 * @param reused read back from the store, not asked of the model now
 */
public record LlmAnswer(JsonObject properties, String raw, String model, boolean reused) {

  private static final Set<String> SOLUBILITY =
      Set.of("very_soluble", "soluble", "slightly_soluble", "insoluble");
  private static final Set<String> STATES = Set.of("solid", "liquid", "gas");
  private static final List<String> KEYS = List.of(
      "molecular_weight",
      "formula",
      "logp",
      "solubility_class",
      "hazard_classes",
      "physical_state");

  /** @throws LlmFailure.Malformed naming the first problem */
  static LlmAnswer parse(String content, String model) {
    JsonObject json;
    try {
      json = new JsonObject(content == null ? "" : content.strip());
    } catch (DecodeException | ClassCastException e) {
      throw new LlmFailure.Malformed("not a JSON object");
    }
    JsonObject properties = new JsonObject();
    for (String key : KEYS) {
      if (!(json.getValue(key) instanceof JsonObject property) || !property.containsKey("value")) {
        throw new LlmFailure.Malformed(key + " is missing or has no value");
      }
      Object evidence = property.getValue("evidence");
      if (evidence != null && !(evidence instanceof String)) {
        throw new LlmFailure.Malformed(key + ".evidence must be a string or null");
      }
      checkValue(key, property.getValue("value"));
      properties.put(
          key, new JsonObject().put("value", property.getValue("value")).put("evidence", evidence));
    }
    return new LlmAnswer(properties, content, model, false);
  }

  private static void checkValue(String key, Object value) {
    boolean valid = switch (key) {
      case "molecular_weight" -> value instanceof Number n && n.doubleValue() > 0;
      case "logp" -> value instanceof Number;
      case "formula" ->
        value instanceof String text && MoleculeFacts.normalizeFormula(text) != null;
      case "solubility_class" -> value instanceof String text && SOLUBILITY.contains(text);
      case "physical_state" -> value instanceof String text && STATES.contains(text);
      case "hazard_classes" ->
        value instanceof JsonArray array && array.stream().allMatch(String.class::isInstance);
      default -> false;
    };
    if (!valid) {
      throw new LlmFailure.Malformed(key + " has an invalid value: " + value);
    }
  }

  /**
   * This answer with every {@code evidence} that is not a verbatim part of {@code notes} dropped (set to null): a
   * model may only cite what the submission says.
   *
   * @return this answer when every evidence is verbatim
   */
  LlmAnswer keepingEvidenceFrom(String notes) {
    JsonObject kept = properties.copy();
    boolean dropped = false;
    for (String key : KEYS) {
      JsonObject property = kept.getJsonObject(key);
      String evidence = property.getString("evidence");
      if (evidence != null && (notes == null || evidence.isBlank() || !notes.contains(evidence))) {
        property.putNull("evidence");
        dropped = true;
      }
    }
    return dropped ? new LlmAnswer(kept, raw, model, reused) : this;
  }

  double logp() {
    return properties.getJsonObject("logp").getDouble("value");
  }

  double molecularWeight() {
    return properties.getJsonObject("molecular_weight").getDouble("value");
  }

  String formula() {
    return properties.getJsonObject("formula").getString("value");
  }
}
