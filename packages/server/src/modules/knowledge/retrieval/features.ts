import type { TextAnalysis } from './segmenter.js';

/**
 * Classifier features of one text: hashed word unigrams, word pairs and character n-grams,
 * each present once with the same value 1/√count, so that every text has unit length and a
 * long question does not outvote a short one. (IDF-weighted values, separately normalised
 * word / pair / character blocks and longer character n-grams were tried on the evaluation
 * sets and did no better.)
 *
 * Hashing (32-bit FNV-1a) instead of a vocabulary means a new FAQ needs no dictionary
 * rebuild; collisions only matter between two features of the same FAQ (weights are keyed
 * by FAQ and feature), which at 2^32 buckets is negligible.
 */
export interface FeatureVector {
  readonly hashes: Int32Array;
  /** The value of every listed feature. */
  readonly value: number;
}

export function extractFeatures(analysis: TextAnalysis): FeatureVector {
  const seen = new Set<number>();
  const words = analysis.allWords;
  for (const word of words) seen.add(hashString('w', word));
  for (const word of analysis.subWords) seen.add(hashString('w', word));
  for (let i = 0; i + 1 < words.length; i++) seen.add(hashString('b', `${words[i]} ${words[i + 1]}`));
  for (const gram of analysis.charGrams) seen.add(hashString('c', gram));
  const hashes = Int32Array.from(seen);
  return { hashes, value: hashes.length === 0 ? 0 : 1 / Math.sqrt(hashes.length) };
}

/** Hashes of the topic words (no stop words), as the same word features extractFeatures() makes. */
export function topicWordHashes(analysis: TextAnalysis): Int32Array {
  return Int32Array.from(new Set(analysis.words.map((word) => hashString('w', word))));
}

function hashString(kind: string, text: string): number {
  let hash = 0x811c9dc5;
  hash = Math.imul(hash ^ kind.charCodeAt(0), 0x01000193);
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash | 0;
}
