package io.eventgateway.llm.sim;

import io.eventgateway.llm.MoleculeFacts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Answers like a well-behaved model would, from the molecule in the prompt: weight, formula and logP from CDK,
 * solubility from logP, hazards and physical state from the notes and measurements, each with the sentence of the
 * notes it came from. Deterministic, so tests know what to expect.
 */
final class SimulatedChemist {

  private static final Map<String, String> HAZARD_WORDS = new LinkedHashMap<>();

  static {
    HAZARD_WORDS.put("flammable", "flammable");
    HAZARD_WORDS.put("toxic", "toxic");
    HAZARD_WORDS.put("poison", "toxic");
    HAZARD_WORDS.put("corrosive", "corrosive");
    HAZARD_WORDS.put("irritat", "irritant");
    HAZARD_WORDS.put("oxidiz", "oxidizer");
    HAZARD_WORDS.put("explosive", "explosive");
  }

  private SimulatedChemist() {}

  /**
   * @param weightFactor multiplies the true molecular weight: {@code 1} for a right answer, anything else to
   *     simulate a hallucinated number
   */
  static JsonObject answer(JsonObject molecule, double weightFactor) {
    MoleculeFacts facts = MoleculeFacts.of(molecule.getString("smiles"));
    String[] sentences = sentences(molecule.getString("notes"));
    JsonArray hazards = new JsonArray();
    String hazardEvidence = null;
    for (String sentence : sentences) {
      String lower = sentence.toLowerCase(Locale.ROOT);
      for (Map.Entry<String, String> word : HAZARD_WORDS.entrySet()) {
        if (lower.contains(word.getKey()) && !hazards.contains(word.getValue())) {
          hazards.add(word.getValue());
          hazardEvidence = hazardEvidence == null ? sentence : hazardEvidence;
        }
      }
    }
    return new JsonObject()
        .put(
            "molecular_weight",
            property(
                Math.round(facts.molecularWeight() * weightFactor * 100) / 100.0,
                find(sentences, "weight")))
        .put("formula", property(facts.formula(), find(sentences, "formula")))
        .put("logp", property(facts.xlogp(), find(sentences, "logp")))
        .put("solubility_class", property(solubility(facts.xlogp()), find(sentences, "solub")))
        .put("hazard_classes", property(hazards, hazardEvidence))
        .put(
            "physical_state",
            property(state(molecule, sentences, facts), find(sentences, "room temperature")));
  }

  private static String solubility(double logp) {
    if (logp < 0) {
      return "very_soluble";
    }
    if (logp < 1.5) {
      return "soluble";
    }
    return logp < 3 ? "slightly_soluble" : "insoluble";
  }

  private static String state(JsonObject molecule, String[] sentences, MoleculeFacts facts) {
    JsonArray measurements = molecule.getJsonArray("measurements", new JsonArray());
    for (int i = 0; i < measurements.size(); i++) {
      JsonObject measurement = measurements.getJsonObject(i);
      double value = measurement.getDouble("value");
      if ("melting_point".equals(measurement.getString("property")) && value > 25) {
        return "solid";
      }
      if ("boiling_point".equals(measurement.getString("property"))) {
        return value < 25 ? "gas" : "liquid";
      }
    }
    for (String sentence : sentences) {
      String lower = sentence.toLowerCase(Locale.ROOT);
      if (lower.contains("liquid")) {
        return "liquid";
      }
      if (lower.contains("powder") || lower.contains("crystal") || lower.contains("solid")) {
        return "solid";
      }
    }
    return facts.molecularWeight() < 60 ? "gas" : "solid";
  }

  private static JsonObject property(Object value, String evidence) {
    return new JsonObject().put("value", value).put("evidence", evidence);
  }

  private static String find(String[] sentences, String word) {
    for (String sentence : sentences) {
      if (sentence.toLowerCase(Locale.ROOT).contains(word)) {
        return sentence;
      }
    }
    return null;
  }

  private static String[] sentences(String notes) {
    return notes == null || notes.isBlank() ? new String[0] : notes.strip().split("(?<=[.!?])\\s+");
  }
}
