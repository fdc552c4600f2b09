import { sql, type SQL } from 'drizzle-orm';
import { searchWords } from '../knowledge/service.js';
import { tickets } from './schema.js';

const MAX_QUERY_WORDS = 20;
const HAN = /\p{Script=Han}/u;

/** A text as the words the index holds (jieba words and Chinese character pairs), space-separated. */
export function searchTextOf(text: string): string {
  return searchWords(text, { stem: true }).join(' ');
}

/** Only letters and digits reach to_tsquery: no operator or quote can be smuggled in. */
const lexeme = (word: string) => word.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();

function bigrams(word: string): string[] {
  const chars = [...word];
  const grams: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) grams.push(chars[i]! + chars[i + 1]!);
  return grams;
}

/**
 * Every word of the query must occur. A Chinese word of three or more characters also matches
 * when all its character pairs occur, so a different jieba cut of the ticket still finds it
 * (退款申请 vs 申请退款 are both cut to words the other has).
 */
export function ticketTextCondition(q: string): SQL {
  const words = [...new Set(searchWords(q, { bigrams: false, stem: true }).map(lexeme).filter(Boolean))].slice(0, MAX_QUERY_WORDS);
  if (words.length === 0) {
    // Only stop words or punctuation: fall back to a plain substring of the subject.
    const pattern = `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    return sql`${tickets.subject} ilike ${pattern}`;
  }
  const terms = words.map((word) => {
    const pairs = HAN.test(word) && [...word].length >= 3 ? bigrams(word).map(lexeme).filter(Boolean) : [];
    return pairs.length ? `('${word}' | (${pairs.map((pair) => `'${pair}'`).join(' & ')}))` : `'${word}'`;
  });
  return sql`${tickets.searchVector} @@ to_tsquery('simple', ${terms.join(' & ')})`;
}
