import { findFeature, type FaqFeatureStore } from './faq-features.js';
import type { FeatureVector } from './features.js';

/**
 * Evidence from the FAQs' feature counts (faq-features.ts):
 *
 * - naive Bayes: the mean log-likelihood of the query's features under the FAQ. It learns
 *   from a handful of examples where logistic regression still underfits; adding it to the
 *   classifier raised top-1 accuracy by about half a point with 5–100 questions per FAQ;
 * - coverage: the IDF-weighted share of the query's topic words that occur anywhere in the
 *   FAQ's questions. "Where do eggs come from?" matches the FAQ "where are you from" on
 *   every word but "eggs"; the softmax cannot see that (no other FAQ wants "eggs" either),
 *   coverage can, which makes it a sharp out-of-scope signal for the calibrator.
 *
 * `leaveOut` is one of the FAQ's own questions, subtracted so that a training question is
 * scored as if the knowledge base had never seen it.
 */
const SMOOTHING = 0.1;

export function meanLogLikelihood(store: FaqFeatureStore, faq: number, query: FeatureVector, leaveOut?: FeatureVector): number {
  const table = store.table(faq);
  if (query.hashes.length === 0) return 0;
  const excluded = leaveOut === undefined ? undefined : new Set(leaveOut.hashes);
  const total = (table?.total ?? 0) - (leaveOut?.hashes.length ?? 0);
  const denominator = Math.log(Math.max(0, total) + SMOOTHING * Math.max(1, store.vocabularySize));
  let sum = 0;
  for (const hash of query.hashes) {
    const at = table === undefined ? -1 : findFeature(table, hash);
    const count = (at < 0 ? 0 : (table?.counts[at] as number)) - (excluded?.has(hash) === true ? 1 : 0);
    sum += Math.log(Math.max(0, count) + SMOOTHING) - denominator;
  }
  return sum / query.hashes.length;
}

/** IDF-weighted share (0–1) of the query's topic-word features found in the FAQ; 1 when it has none. */
export function coverage(store: FaqFeatureStore, faq: number, topicWords: Int32Array, leaveOut?: Int32Array): number {
  const table = store.table(faq);
  const excluded = leaveOut === undefined ? undefined : new Set(leaveOut);
  const n = Math.max(1, store.questionCount - (leaveOut === undefined ? 0 : 1));
  let covered = 0;
  let total = 0;
  for (const hash of topicWords) {
    const own = excluded?.has(hash) === true ? 1 : 0;
    const df = Math.max(0, store.documentFrequencyOf(hash) - own);
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    total += idf;
    const at = table === undefined ? -1 : findFeature(table, hash);
    if (at >= 0 && (table?.counts[at] as number) - own > 0) covered += idf;
  }
  return total === 0 ? 1 : covered / total;
}
