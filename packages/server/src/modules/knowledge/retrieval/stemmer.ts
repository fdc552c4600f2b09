/**
 * A light English stemmer: folds plurals and the commonest verb/adverb endings so that
 * "refunds", "refunded" and "refunding" meet at "refund".
 *
 * Why not full Porter/Snowball: it would need a dependency or ~300 lines, and over-stemming
 * (`university` → `univers`) hurts short FAQ questions more than it helps. Queries and
 * questions go through the same function, so the stems only have to be consistent, not words.
 * Character n-grams (see segmenter.ts) catch what this misses.
 */
const VOWEL = /[aeiouy]/;

export function stemEnglish(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let w = word;

  // Plurals and third person singular.
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(?:sh|ch|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);

  // Past tense, gerund, adverb.
  if (w.endsWith('ied') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('ing') && w.length > 5 && VOWEL.test(w.slice(0, -3))) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length > 4 && VOWEL.test(w.slice(0, -2))) w = undouble(w.slice(0, -2));
  else if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2);

  // A final silent "e" is dropped so that "make" and "making" (→ "mak") agree, and a final
  // "ll" is halved so that "cancel" and "cancelled" (→ "cancell") agree.
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  if (w.endsWith('ll') && w.length > 5) w = w.slice(0, -1);
  return w;
}

/** "stopp" → "stop", but "call" and "pass" keep their double letter. */
function undouble(stem: string): string {
  const last = stem.at(-1);
  if (stem.length > 2 && last === stem.at(-2) && last !== undefined && !'lsz'.includes(last)) {
    return stem.slice(0, -1);
  }
  return stem;
}
