package io.eventgateway.llm;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares what the LLM said with what CDK computed (molecular weight, formula, XLogP), so that hallucinated numbers
 * are flagged, not stored as facts.
 */
final class CrossCheck {

  private CrossCheck() {}

  /** @return the disagreements, empty when the answer agrees with the computed facts */
  static List<String> disagreements(
      LlmAnswer answer, MoleculeFacts facts, double weightTolerance, double logpTolerance) {
    List<String> found = new ArrayList<>();
    // XLogP is an estimate too, hence a wider tolerance; NaN when CDK could not compute it
    if (!Double.isNaN(facts.xlogp()) && Math.abs(answer.logp() - facts.xlogp()) > logpTolerance) {
      found.add("logp: LLM " + answer.logp() + ", XLogP " + facts.xlogp());
    }
    if (Math.abs(answer.molecularWeight() - facts.molecularWeight()) > weightTolerance) {
      found.add("molecular_weight: LLM " + answer.molecularWeight() + ", computed "
          + facts.molecularWeight());
    }
    String formula = MoleculeFacts.normalizeFormula(answer.formula());
    if (!facts.formula().equals(formula)) {
      found.add("formula: LLM " + answer.formula() + ", computed " + facts.formula());
    }
    return found;
  }
}
