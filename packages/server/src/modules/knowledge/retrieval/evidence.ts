import type { LexicalCandidate } from './lexical-scorer.js';

/**
 * What the engine knows about one candidate FAQ for one query, besides the FAQ's own
 * classifier weights: lexical match and naive Bayes likelihood. The classifier learns how
 * much to trust each of these; the calibrator reads them again for the top answer.
 */
export interface CandidateEvidence extends LexicalCandidate {
  /** Mean log-likelihood of the query's features under the FAQ (feature-evidence.ts). */
  readonly naiveBayes: number;
  /** IDF-weighted share of the query's topic words found in the FAQ's questions (feature-evidence.ts). */
  readonly coverage: number;
  /** Share of the query's user-dictionary terms that the FAQ's questions hold (term-index.ts). */
  readonly termMatch: number;
}

export const EVIDENCE_SIZE = 7;

export function writeEvidence(evidence: CandidateEvidence, into: Float32Array, at: number): void {
  into[at] = evidence.wordMax;
  into[at + 1] = evidence.charMax;
  into[at + 2] = evidence.top3Mean;
  // Log-likelihoods sit around -10; only differences between candidates matter to a softmax,
  // and a smaller scale keeps the AdaGrad step for its weight comparable to the others.
  into[at + 3] = evidence.naiveBayes / 4;
  into[at + 4] = evidence.coverage;
  into[at + 5] = evidence.termMatch;
  // Lexical match among the FAQs about what the query names: when FAQs differ only by
  // product, words tell the topic apart only between FAQs about the same product (a linear
  // model cannot form this product itself).
  into[at + 6] = evidence.termMatch * ((evidence.wordMax + evidence.charMax) / 2);
}

/** Candidate ids and their evidence packed for the classifier. */
export interface PackedCandidates {
  readonly faqs: Int32Array;
  readonly evidence: Float32Array;
}

export function packCandidates(candidates: readonly CandidateEvidence[]): PackedCandidates {
  const faqs = new Int32Array(candidates.length);
  const evidence = new Float32Array(candidates.length * EVIDENCE_SIZE);
  candidates.forEach((candidate, i) => {
    faqs[i] = candidate.faq;
    writeEvidence(candidate, evidence, i * EVIDENCE_SIZE);
  });
  return { faqs, evidence };
}
