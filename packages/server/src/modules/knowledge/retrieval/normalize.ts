/**
 * Text normalisation shared by indexing and querying, so that both sides of a match see the
 * same characters.
 *
 * - NFKC folds full-width Latin letters, digits and punctuation to half-width
 *   (`ＡＢＣ１２３？` → `ABC123?`) and ideographic spaces to plain spaces.
 * - Lower-casing makes English matching case-insensitive.
 * - Chinese/Japanese "traditional" punctuation (`，。！？、；：“”‘’（）【】《》「」『』…—·`) and
 *   ASCII punctuation become spaces: they separate words but never carry meaning for retrieval.
 * - English contractions are expanded (`what's` → `what is`, `don't` → `do not`); other
 *   apostrophes inside words are dropped (`o'clock` → `oclock`), possessive `'s` included.
 * - Traditional Chinese characters are folded to simplified ones (`請問這個軟體怎麼退貨` →
 *   `请问这个软体怎么退货`) with OpenCC's character tables (opencc-js, Taiwan variants): a
 *   customer writing traditional characters meets a knowledge base written in simplified
 *   ones, and the other way round. Only characters are folded, not regional vocabulary
 *   (软体 stays 软体, not 软件): that is what similar questions are for.
 */
import { Converter } from 'opencc-js/t2cn';

// Building the converter loads its tables (~100 ms): once per process, on first use.
let toSimplified: ((text: string) => string) | undefined;
const HAN = /\p{Script=Han}/u;

/** Traditional → simplified Chinese characters; text with no Han character is returned as is. */
export function foldTraditional(text: string): string {
  if (!HAN.test(text)) return text;
  const convert = (toSimplified ??= Converter({ from: 'tw', to: 'cn' }));
  return convert(text);
}

// Punctuation that NFKC leaves alone but that only separates words.
const CJK_PUNCTUATION = /[\u3000-\u303f\u2010-\u2027\u2030-\u205e\u00b7\ufe10-\ufe6f\uff5f-\uff65]/gu;
const ASCII_PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const INNER_APOSTROPHE = /(\p{L})['\u2019](\p{L})/gu;
// English contractions, expanded so that "what's" meets "what is" and "don't" meets "do not".
const CONTRACTIONS: ReadonlyArray<[RegExp, string]> = [
  [/\bwon't\b/g, 'will not'],
  [/\bcan't\b/g, 'can not'],
  [/\bshan't\b/g, 'shall not'],
  [/\b(\w+)n't\b/g, '$1 not'],
  [/\b(i)'m\b/g, '$1 am'],
  [/\b(\w+)'re\b/g, '$1 are'],
  [/\b(\w+)'ve\b/g, '$1 have'],
  [/\b(\w+)'ll\b/g, '$1 will'],
  [/\b(\w+)'d\b/g, '$1 would'],
  [/\b(it|that|what|where|who|how|there|here|he|she|when|why)'s\b/g, '$1 is'],
  [/\blet's\b/g, 'let us'],
];
const WHITESPACE = /\s+/gu;

export function normalizeText(text: string): string {
  let folded = foldTraditional(text.normalize('NFKC'))
    .toLowerCase()
    .replace(/\u2019/g, "'");
  if (folded.includes("'")) for (const [pattern, expansion] of CONTRACTIONS) folded = folded.replace(pattern, expansion);
  return folded
    .replace(INNER_APOSTROPHE, '$1$2')
    .replace(CJK_PUNCTUATION, ' ')
    .replace(ASCII_PUNCTUATION, ' ')
    .replace(/['\u2018\u2019]/g, ' ')
    .replace(WHITESPACE, ' ')
    .trim();
}

/** True for a Han (Chinese) character. */
export function isHan(char: string): boolean {
  return /\p{Script=Han}/u.test(char);
}
