import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { normalizeText } from './normalize.js';
import { stemEnglish } from './stemmer.js';
import { isStopWord } from './stop-words.js';
import { UserDictionary } from './user-dictionary.js';

/** What retrieval needs to know about one piece of text. */
export interface TextAnalysis {
  /** Topic words: jieba words, stemmed English words and whole user-dictionary terms; no stop words. */
  readonly words: readonly string[];
  /** The same words in order with stop words kept — the classifier reads word pairs from these. */
  readonly allWords: readonly string[];
  /**
   * Character n-grams: Chinese character unigrams and bigrams, English character trigrams with
   * word-boundary marks (`#re`, `ref`, …, `nd#`). They keep a typo ("refnud"), an unknown word
   * or a run-on sentence that jieba cut differently still partly matching.
   */
  readonly charGrams: readonly string[];
  /** User-dictionary terms the text names (normalised), in order. */
  readonly terms: readonly string[];
  /**
   * Dictionary words inside longer Chinese words (jieba search mode: 今天天气 → 今天, 天气), so
   * that a compound jieba kept whole still meets the shorter word another question used.
   */
  readonly subWords: readonly string[];
}

// Loading jieba's 350k-word dictionary takes ~185 ms, so one instance serves every workspace;
// workspace terms go through UserDictionary instead (see there for why).
let sharedJieba: Jieba | undefined;
function jieba(): Jieba {
  sharedJieba ??= Jieba.withDict(dict);
  return sharedJieba;
}

const HAN_OR_WORD = /(\p{Script=Han}+)|([\p{L}\p{N}]+)/gu;
const HAN_ONLY = /^\p{Script=Han}+$/u;
const DIGITS_ONLY = /^\p{N}+$/u;
const NUMBER_TOKEN = '<num>';

/**
 * Normalises and tokenises Chinese and English (and mixed) text. One segmenter belongs to one
 * knowledge base, because its user dictionary holds that knowledge base's terms.
 */
export class Segmenter {
  readonly dictionary: UserDictionary;

  constructor(terms: Iterable<string> = []) {
    this.dictionary = new UserDictionary(terms);
  }

  /** Splits text into tokens without stop-word removal or stemming (for inspection and tests). */
  cut(text: string): string[] {
    const tokens: string[] = [];
    for (const part of this.dictionary.split(normalizeText(text))) {
      if (part.isTerm) tokens.push(part.text);
      else for (const token of cutFreeText(part.text)) tokens.push(token);
    }
    return tokens;
  }

  analyze(text: string): TextAnalysis {
    const words: string[] = [];
    const allWords: string[] = [];
    const charGrams: string[] = [];
    const terms: string[] = [];
    const subWords: string[] = [];
    for (const part of this.dictionary.split(normalizeText(text))) {
      if (part.isTerm) {
        terms.push(part.text);
        // A term is one word, but its characters still count so that "汇流手环" finds "汇流手环9".
        words.push(part.text);
        allWords.push(part.text);
        addCharGrams(part.text, charGrams);
        continue;
      }
      for (const raw of cutFreeText(part.text)) {
        // Numbers (order numbers, times, amounts) vary from question to question; their
        // digits still count through the character n-grams.
        const word = HAN_ONLY.test(raw) ? raw : DIGITS_ONLY.test(raw) ? NUMBER_TOKEN : stemEnglish(raw);
        allWords.push(word);
        if (!isStopWord(raw)) words.push(word);
        if (word.length >= 3 && HAN_ONLY.test(word)) {
          for (const sub of jieba().cutForSearch(word, true)) {
            if (sub.length < 2 || sub === word || isStopWord(sub)) continue;
            subWords.push(sub);
            words.push(sub);
          }
        }
      }
      addCharGrams(part.text, charGrams);
    }
    return { words, allWords, charGrams, terms, subWords };
  }
}

/** Han runs go to jieba; Latin words and numbers are split on anything else. */
function cutFreeText(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(HAN_OR_WORD)) {
    if (match[1] !== undefined) {
      for (const word of jieba().cut(match[1], true)) if (word.trim() !== '') tokens.push(word);
    } else if (match[2] !== undefined) {
      tokens.push(match[2]);
    }
  }
  return tokens;
}

function addCharGrams(text: string, out: string[]): void {
  for (const match of text.matchAll(HAN_OR_WORD)) {
    if (match[1] !== undefined) {
      const chars = [...match[1]];
      for (let i = 0; i < chars.length; i++) {
        out.push(chars[i] as string);
        if (i + 1 < chars.length) out.push(`${chars[i]}${chars[i + 1]}`);
      }
    } else if (match[2] !== undefined) {
      const marked = `#${match[2]}#`;
      if (marked.length <= 4) {
        out.push(marked);
        continue;
      }
      for (let i = 0; i + 3 <= marked.length; i++) out.push(marked.slice(i, i + 3));
    }
  }
}
