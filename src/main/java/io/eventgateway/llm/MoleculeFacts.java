package io.eventgateway.llm;

import io.vertx.core.json.JsonObject;
import org.openscience.cdk.aromaticity.Aromaticity;
import org.openscience.cdk.exception.CDKException;
import org.openscience.cdk.interfaces.IAtomContainer;
import org.openscience.cdk.interfaces.IMolecularFormula;
import org.openscience.cdk.qsar.DescriptorValue;
import org.openscience.cdk.qsar.IMolecularDescriptor;
import org.openscience.cdk.qsar.descriptors.molecular.HBondAcceptorCountDescriptor;
import org.openscience.cdk.qsar.descriptors.molecular.HBondDonorCountDescriptor;
import org.openscience.cdk.qsar.descriptors.molecular.RuleOfFiveDescriptor;
import org.openscience.cdk.qsar.descriptors.molecular.TPSADescriptor;
import org.openscience.cdk.qsar.descriptors.molecular.XLogPDescriptor;
import org.openscience.cdk.qsar.result.DoubleResult;
import org.openscience.cdk.qsar.result.IntegerResult;
import org.openscience.cdk.silent.SilentChemObjectBuilder;
import org.openscience.cdk.smiles.SmiFlavor;
import org.openscience.cdk.smiles.SmilesGenerator;
import org.openscience.cdk.smiles.SmilesParser;
import org.openscience.cdk.tools.manipulator.AtomContainerManipulator;
import org.openscience.cdk.tools.manipulator.MolecularFormulaManipulator;

/**
 * What the Chemistry Development Kit computes deterministically from a SMILES string: the fallback when the LLM
 * is unavailable, and the reference its answers are cross-checked against.
 *
 * @param canonicalSmiles unique SMILES, the cache key: two spellings of one molecule share it
 * @param lipinskiViolations how many of Lipinski's rule-of-five criteria fail
 */
public record MoleculeFacts(
    String canonicalSmiles,
    String formula,
    double molecularWeight,
    double xlogp,
    double tpsa,
    int hBondDonors,
    int hBondAcceptors,
    int lipinskiViolations) {

  /**
   * Parses and describes {@code smiles}.
   *
   * @throws IllegalArgumentException when the SMILES cannot be parsed
   */
  public static MoleculeFacts of(String smiles) {
    try {
      IAtomContainer molecule =
          new SmilesParser(SilentChemObjectBuilder.getInstance()).parseSmiles(smiles);
      if (molecule.getAtomCount() == 0) {
        throw new IllegalArgumentException("invalid SMILES: no atoms");
      }
      String canonical = new SmilesGenerator(SmiFlavor.Unique).create(molecule);
      IMolecularFormula formula = MolecularFormulaManipulator.getMolecularFormula(molecule);
      double weight =
          AtomContainerManipulator.getMass(molecule, AtomContainerManipulator.MolWeight);
      AtomContainerManipulator.percieveAtomTypesAndConfigureAtoms(molecule);
      Aromaticity.cdkLegacy().apply(molecule);
      return new MoleculeFacts(
          canonical,
          MolecularFormulaManipulator.getString(formula),
          round(weight),
          round(doubleValue(new XLogPDescriptor(), molecule)),
          round(doubleValue(new TPSADescriptor(), molecule)),
          intValue(new HBondDonorCountDescriptor(), molecule),
          intValue(new HBondAcceptorCountDescriptor(), molecule),
          intValue(new RuleOfFiveDescriptor(), molecule));
    } catch (CDKException e) {
      throw new IllegalArgumentException("invalid SMILES: " + e.getMessage(), e);
    }
  }

  /** The formula in Hill order, as CDK writes it, or {@code null} when {@code formula} cannot be parsed. */
  public static String normalizeFormula(String formula) {
    IMolecularFormula parsed = MolecularFormulaManipulator.getMolecularFormula(
        formula.trim(), SilentChemObjectBuilder.getInstance());
    return parsed == null || parsed.getIsotopeCount() == 0
        ? null
        : MolecularFormulaManipulator.getString(parsed);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("canonical_smiles", canonicalSmiles)
        .put("formula", formula)
        .put("molecular_weight", molecularWeight)
        .put("xlogp", xlogp)
        .put("tpsa", tpsa)
        .put("h_bond_donors", hBondDonors)
        .put("h_bond_acceptors", hBondAcceptors)
        .put("lipinski_violations", lipinskiViolations)
        .put("lipinski_rule_of_five", lipinskiViolations <= 1);
  }

  private static double doubleValue(IMolecularDescriptor descriptor, IAtomContainer molecule) {
    DescriptorValue value = descriptor.calculate(molecule);
    return value.getException() == null
        ? ((DoubleResult) value.getValue()).doubleValue()
        : Double.NaN;
  }

  private static int intValue(IMolecularDescriptor descriptor, IAtomContainer molecule) {
    DescriptorValue value = descriptor.calculate(molecule);
    return value.getException() == null ? ((IntegerResult) value.getValue()).intValue() : -1;
  }

  private static double round(double value) {
    return Double.isNaN(value) ? value : Math.round(value * 100.0) / 100.0;
  }
}
