import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
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
  const query = ticketTsQuery(q);
  if (query === null) {
    // Only stop words or punctuation: fall back to a plain substring of the subject.
    const pattern = `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    return sql`${tickets.subject} ilike ${pattern}`;
  }
  return tsMatch(tickets.searchVector, query);
}

/** `vector @@ query`, for the tickets table or a subquery that carries its vector. */
export const tsMatch = (vector: AnyColumn | SQL.Aliased, query: string): SQL => sql`${vector} @@ to_tsquery('simple', ${query})`;

/** The query's words as a `to_tsquery` text, or null when it has none (only stop words or punctuation). */
export function ticketTsQuery(q: string): string | null {
  const words = [...new Set(searchWords(q, { bigrams: false, stem: true }).map(lexeme).filter(Boolean))].slice(0, MAX_QUERY_WORDS);
  if (words.length === 0) return null;
  const terms = words.map((word) => {
    const pairs = HAN.test(word) && [...word].length >= 3 ? bigrams(word).map(lexeme).filter(Boolean) : [];
    return pairs.length ? `('${word}' | (${pairs.map((pair) => `'${pair}'`).join(' & ')}))` : `'${word}'`;
  });
  return terms.join(' & ');
}
