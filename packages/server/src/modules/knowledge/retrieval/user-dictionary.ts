import { normalizeText } from './normalize.js';

/**
 * The workspace's own vocabulary — brand, product and service names such as 汇流商城,
 * 汇流手环9 or "iPhone 15 Pro" — that segmentation must never split.
 *
 * Why a dictionary of our own in front of jieba rather than `Jieba.loadDict`:
 * - a jieba instance's dictionary can only grow: a renamed or removed product could never be
 *   taken out again, and one process serves many workspaces whose terms must not leak into
 *   each other's segmentation;
 * - a separate jieba instance per workspace costs ~185 ms and a full copy of the 350k-word
 *   dictionary;
 * - jieba dictionary lines cannot hold a space ("iphone 15 pro"), and jieba may still split a
 *   user word when its frequency loses against the surrounding words.
 * So terms are matched first, longest match wins, and matched spans are emitted as single
 * tokens; only the text between them is handed to the shared jieba instance.
 */
export class UserDictionary {
  /** Normalised terms grouped by first character, longest first, for longest-match scanning. */
  private readonly byFirstChar = new Map<string, string[]>();
  private readonly terms = new Set<string>();

  constructor(terms: Iterable<string> = []) {
    for (const term of terms) this.add(term);
  }

  get size(): number {
    return this.terms.size;
  }

  has(term: string): boolean {
    return this.terms.has(normalizeText(term));
  }

  /** Adds a term; returns false when it was already known or is empty after normalisation. */
  add(term: string): boolean {
    const normalized = normalizeText(term);
    // A one-character term would only glue itself to neighbours; it is never "split" anyway.
    if ([...normalized].length < 2 || this.terms.has(normalized)) return false;
    this.terms.add(normalized);
    const first = normalized[0] as string;
    const bucket = this.byFirstChar.get(first) ?? [];
    bucket.push(normalized);
    bucket.sort((a, b) => b.length - a.length);
    this.byFirstChar.set(first, bucket);
    return true;
  }

  remove(term: string): boolean {
    const normalized = normalizeText(term);
    if (!this.terms.delete(normalized)) return false;
    const first = normalized[0] as string;
    const bucket = (this.byFirstChar.get(first) ?? []).filter((t) => t !== normalized);
    if (bucket.length === 0) this.byFirstChar.delete(first);
    else this.byFirstChar.set(first, bucket);
    return true;
  }

  /**
   * Splits normalised text into alternating free text and matched terms. A Latin term only
   * matches on word boundaries, so the term "pro" does not swallow the start of "product".
   */
  split(normalized: string): Array<{ text: string; isTerm: boolean }> {
    if (this.terms.size === 0) return [{ text: normalized, isTerm: false }];
    const parts: Array<{ text: string; isTerm: boolean }> = [];
    let freeStart = 0;
    let i = 0;
    while (i < normalized.length) {
      const match = this.matchAt(normalized, i);
      if (match === undefined) {
        i += 1;
        continue;
      }
      if (i > freeStart) parts.push({ text: normalized.slice(freeStart, i), isTerm: false });
      parts.push({ text: match, isTerm: true });
      i += match.length;
      freeStart = i;
    }
    if (freeStart < normalized.length) parts.push({ text: normalized.slice(freeStart), isTerm: false });
    return parts;
  }

  private matchAt(text: string, at: number): string | undefined {
    const bucket = this.byFirstChar.get(text[at] as string);
    if (bucket === undefined) return undefined;
    for (const term of bucket) {
      if (!text.startsWith(term, at)) continue;
      if (isWordChar(term[0]) && isWordChar(text[at - 1])) continue;
      if (isWordChar(term.at(-1)) && isWordChar(text[at + term.length])) continue;
      return term;
    }
    return undefined;
  }
}

/** Latin letters and digits glue into words; Han characters do not need boundaries. */
function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[a-z0-9]/.test(char);
}
