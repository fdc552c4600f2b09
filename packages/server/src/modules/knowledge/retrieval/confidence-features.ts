import type { CandidateEvidence } from './evidence.js';

/**
 * The inputs of the confidence calibrator for one ranked candidate. All are "higher is
 * better", which lets the calibrator keep confidence monotonic (calibration.ts):
 *  - the classifier's probability p of this candidate among all candidates;
 *  - its margin over the best other candidate (how sure the ranking is);
 *  - its whole-base probability (whole-base-classifier.ts): among all FAQs, not just the
 *    candidates, so it is low when a question resembles none of them;
 *  - its lexical scores, each a share of the query's perfect score — they fall when the
 *    query uses words the knowledge base has never seen, the mark of an out-of-scope
 *    question that a softmax alone cannot show (it always sums to one);
 *  - its coverage of the query's topic words (feature-evidence.ts).
 */
export const CONFIDENCE_INPUT_COUNT = 7;

export function confidenceInputs(
  probability: number,
  bestOtherProbability: number,
  wholeBaseProbability: number,
  evidence: CandidateEvidence,
): number[] {
  return [
    probability,
    probability - bestOtherProbability,
    wholeBaseProbability,
    evidence.wordMax,
    evidence.charMax,
    evidence.top3Mean,
    evidence.coverage,
  ];
}
