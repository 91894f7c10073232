package io.eventgateway.bus;

/**
 * The enrichment of one molecule event, as stored.
 *
 * @param source {@code llm}, {@code cache} (an earlier LLM answer for the same canonical SMILES), {@code fallback}
 *     (computed deterministically, to be re-enriched by the backfill), {@code refused} (computed, since the model
 *     refused the input for its own sake: not asked again) or {@code error} (the molecule cannot be parsed)
 * @param propertiesJson the validated LLM answer, or the computed facts for a fallback; {@code null} on error
 * @param computedJson what CDK computed from the SMILES; {@code null} on error
 * @param llmMismatch the LLM's molecular weight or formula disagrees with CDK's
 * @param error why the molecule could not be enriched, or why the LLM was not used
 * @param inputHash SHA-256 of the notes and measurements the answer was made from: an answer is reused only for the
 *     same molecule with the same inputs
 * @param inputSmiles the SMILES as the event wrote it, by which a stored answer is found again
 * @param promptNotesChars how many characters of the notes the prompt carried, when they were cut; {@code null} when
 *     it carried them whole (or no prompt was made)
 */
public record Enrichment(
    EventKey event,
    String source,
    String model,
    long latencyMs,
    String canonicalSmiles,
    String propertiesJson,
    String computedJson,
    String rawAnswer,
    boolean llmMismatch,
    String mismatchDetail,
    String error,
    String inputHash,
    String inputSmiles,
    Integer promptNotesChars) {

  public static final String LLM = "llm";
  public static final String CACHE = "cache";
  public static final String FALLBACK = "fallback";
  public static final String ERROR = "error";
  public static final String REFUSED = "refused";
}
