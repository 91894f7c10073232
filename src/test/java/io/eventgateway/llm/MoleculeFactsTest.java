package io.eventgateway.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Deterministic molecule facts from CDK")
class MoleculeFactsTest {

  @Test
  @DisplayName("known molecules get their molecular weight to 0.01 and their formula")
  void knownMolecules() {
    MoleculeFacts caffeine = MoleculeFacts.of("CN1C=NC2=C1C(=O)N(C(=O)N2C)C");
    assertThat(caffeine.molecularWeight()).isCloseTo(194.19, within(0.01));
    assertThat(caffeine.formula()).isEqualTo("C8H10N4O2");
    assertThat(caffeine.hBondDonors()).isZero();

    MoleculeFacts aspirin = MoleculeFacts.of("CC(=O)OC1=CC=CC=C1C(=O)O");
    assertThat(aspirin.molecularWeight()).isCloseTo(180.16, within(0.01));
    assertThat(aspirin.formula()).isEqualTo("C9H8O4");
    assertThat(aspirin.lipinskiViolations()).isZero();

    MoleculeFacts ethanol = MoleculeFacts.of("CCO");
    assertThat(ethanol.molecularWeight()).isCloseTo(46.07, within(0.01));
    assertThat(ethanol.formula()).isEqualTo("C2H6O");
    assertThat(ethanol.tpsa()).isCloseTo(20.23, within(0.01));
  }

  @Test
  @DisplayName("two spellings of one molecule share a canonical SMILES")
  void canonical() {
    assertThat(MoleculeFacts.of("OCC").canonicalSmiles())
        .isEqualTo(MoleculeFacts.of("CCO").canonicalSmiles());
  }

  @Test
  @DisplayName("an invalid SMILES is a clear error")
  void invalid() {
    assertThatThrownBy(() -> MoleculeFacts.of("C1CC("))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid SMILES");
  }

  @Test
  @DisplayName("formulas are normalized to Hill order")
  void formulas() {
    assertThat(MoleculeFacts.normalizeFormula("H6C2O")).isEqualTo("C2H6O");
    assertThat(MoleculeFacts.normalizeFormula("not a formula")).isNull();
  }
}
