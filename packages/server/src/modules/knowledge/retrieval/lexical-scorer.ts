import { Bm25Index, type Bm25Hits, type Bm25Query } from './bm25.js';
import type { TextAnalysis } from './segmenter.js';

/** Lexical evidence that one FAQ answers a query. */
export interface LexicalCandidate {
  readonly faq: number;
  /** Best word-level BM25 over the FAQ's questions, as a share of the query's perfect score. */
  readonly wordMax: number;
  /** Best character-n-gram BM25 over the FAQ's questions, same scale. */
  readonly charMax: number;
  /**
   * Mean of the FAQ's three best questions (word and character scores averaged): an FAQ that
   * several of its questions support is a safer answer than one lucky near-duplicate.
   */
  readonly top3Mean: number;
  /** Ranking score: (wordMax + charMax) / 2 + top3Mean. */
  readonly score: number;
}

/** A query for both token streams. */
export interface LexicalQuery {
  readonly words: Bm25Query;
  readonly chars: Bm25Query;
}

/**
 * BM25 over every question (standard and similar) of every FAQ, on two token streams —
 * words (stop words kept: "how do i" vs "what is" matters between short questions) and
 * character n-grams — aggregated per FAQ.
 */
export class LexicalScorer {
  private readonly words = new Bm25Index();
  private readonly chars = new Bm25Index();
  private readonly faqDocs = new Map<number, number[]>();
  private docFaq = new Int32Array(1024).fill(-1);
  // Reused accumulators, indexed by question (doc) and by FAQ number.
  private docScore = new Float64Array(1024);
  private touchedDocs = new Int32Array(1024);
  private touchedDocCount = 0;
  private wordMaxAcc = new Float64Array(256);
  private charMaxAcc = new Float64Array(256);
  private top = [new Float64Array(256), new Float64Array(256), new Float64Array(256)] as const;

  addQuestion(doc: number, faq: number, analysis: TextAnalysis): void {
    this.ensureDocCapacity(doc + 1);
    this.ensureFaqCapacity(faq + 1);
    this.docFaq[doc] = faq;
    this.faqDocs.set(faq, [...(this.faqDocs.get(faq) ?? []), doc]);
    this.words.add(doc, wordStream(analysis));
    this.chars.add(doc, analysis.charGrams);
  }

  removeQuestion(doc: number): void {
    this.words.remove(doc);
    this.chars.remove(doc);
    const faq = doc < this.docFaq.length ? (this.docFaq[doc] as number) : -1;
    if (faq < 0) return;
    this.docFaq[doc] = -1;
    const remaining = (this.faqDocs.get(faq) ?? []).filter((d) => d !== doc);
    if (remaining.length === 0) this.faqDocs.delete(faq);
    else this.faqDocs.set(faq, remaining);
  }

  queryOf(analysis: TextAnalysis): LexicalQuery {
    return { words: this.words.query(wordStream(analysis)), chars: this.chars.query(analysis.charGrams) };
  }

  /** A stored question as a query against all the other questions. */
  queryOfQuestion(doc: number): LexicalQuery {
    return { words: this.words.queryOfDocument(doc), chars: this.chars.queryOfDocument(doc) };
  }

  /** All the questions of an FAQ together as one query. */
  queryOfFaq(faq: number): LexicalQuery {
    const docs = this.faqDocs.get(faq) ?? [];
    return { words: this.words.queryOfDocuments(docs), chars: this.chars.queryOfDocuments(docs) };
  }

  /** The `limit` best FAQs for the query, best first. */
  candidates(query: LexicalQuery, limit: number): LexicalCandidate[] {
    return this.collect(this.words.search(query.words), this.chars.search(query.chars), limit, -1);
  }

  /**
   * The `limit` FAQs most lexically similar to an FAQ (itself excluded), found with one word
   * search over all its questions at once: a cheap stand-in for searching with each question
   * when collecting training candidates on a large base.
   */
  neighbours(faq: number, limit: number): number[] {
    const query = this.words.queryOfDocuments(this.faqDocs.get(faq) ?? []);
    const none = this.chars.query([]);
    return this.collect(this.words.search(query), this.chars.search(none), limit, faq).map((c) => c.faq);
  }

  /**
   * Lexical evidence of the given FAQs for the query — what candidates() would report for
   * them — computed over those FAQs' questions only, without walking posting lists. Best
   * first; FAQs with no lexical match are kept, with zeros.
   */
  evidence(query: LexicalQuery, faqs: readonly number[]): LexicalCandidate[] {
    const docs: number[] = [];
    const ends: number[] = [];
    for (const faq of faqs) {
      for (const doc of this.faqDocs.get(faq) ?? []) docs.push(doc);
      ends.push(docs.length);
    }
    const wordScores = new Float64Array(docs.length);
    const charScores = new Float64Array(docs.length);
    const wordMaxScore = this.words.scoreDocuments(query.words, docs, wordScores);
    const charMaxScore = this.chars.scoreDocuments(query.chars, docs, charScores);
    const result: LexicalCandidate[] = [];
    let start = 0;
    faqs.forEach((faq, f) => {
      const end = ends[f] as number;
      let wordMax = 0;
      let charMax = 0;
      let first = 0;
      let second = 0;
      let third = 0;
      for (let i = start; i < end; i++) {
        const word = wordMaxScore > 0 ? (wordScores[i] as number) / wordMaxScore : 0;
        const char = charMaxScore > 0 ? (charScores[i] as number) / charMaxScore : 0;
        if (word > wordMax) wordMax = word;
        if (char > charMax) charMax = char;
        const both = (word + char) / 2;
        if (both > first) {
          third = second;
          second = first;
          first = both;
        } else if (both > second) {
          third = second;
          second = both;
        } else if (both > third) {
          third = both;
        }
      }
      start = end;
      const top3Mean = (first + second + third) / 3;
      result.push({ faq, wordMax, charMax, top3Mean, score: (wordMax + charMax) / 2 + top3Mean });
    });
    return result.sort((a, b) => b.score - a.score);
  }

  /** Number of questions an FAQ has in the index. */
  questionCount(faq: number): number {
    return this.faqDocs.get(faq)?.length ?? 0;
  }

  /**
   * Aggregates both searches per FAQ and keeps the `limit` best (skipping `skipFaq`). Only the
   * winners become objects: a query on a large base touches thousands of FAQs.
   */
  private collect(wordHits: Bm25Hits, charHits: Bm25Hits, limit: number, skipFaq: number): LexicalCandidate[] {
    // The two indexes have separate buffers, so both hit lists stay valid until released.
    this.accumulate(wordHits, this.wordMaxAcc);
    this.words.release(wordHits);
    this.accumulate(charHits, this.charMaxAcc);
    this.chars.release(charHits);

    // Per FAQ, keep the three best questions (word and character scores averaged).
    const [first, second, third] = this.top;
    const { docScore, touchedDocs, docFaq, wordMaxAcc, charMaxAcc } = this;
    const faqs: number[] = [];
    for (let i = 0, n = this.touchedDocCount; i < n; i++) {
      const doc = touchedDocs[i] as number;
      const faq = docFaq[doc] as number;
      const score = (docScore[doc] as number) * 0.5;
      docScore[doc] = 0;
      const best = first[faq] as number;
      if (score > best) {
        if (best === 0) faqs.push(faq);
        third[faq] = second[faq] as number;
        second[faq] = best;
        first[faq] = score;
      } else if (score > (second[faq] as number)) {
        third[faq] = second[faq] as number;
        second[faq] = score;
      } else if (score > (third[faq] as number)) {
        third[faq] = score;
      }
    }
    this.touchedDocCount = 0;

    // Bounded insertion into the best `limit` (FAQ, score) pairs.
    const bestFaqs: number[] = [];
    const bestScores: number[] = [];
    for (const faq of faqs) {
      const top3Mean = ((first[faq] as number) + (second[faq] as number) + (third[faq] as number)) / 3;
      const score = ((wordMaxAcc[faq] as number) + (charMaxAcc[faq] as number)) / 2 + top3Mean;
      if (faq === skipFaq || (bestFaqs.length === limit && score <= (bestScores[limit - 1] as number))) continue;
      let at = bestFaqs.length;
      while (at > 0 && (bestScores[at - 1] as number) < score) at--;
      bestFaqs.splice(at, 0, faq);
      bestScores.splice(at, 0, score);
      if (bestFaqs.length > limit) {
        bestFaqs.pop();
        bestScores.pop();
      }
    }
    const result = bestFaqs.map((faq, i) => ({
      faq,
      wordMax: wordMaxAcc[faq] as number,
      charMax: charMaxAcc[faq] as number,
      top3Mean: ((first[faq] as number) + (second[faq] as number) + (third[faq] as number)) / 3,
      score: bestScores[i] as number,
    }));
    for (const faq of faqs) {
      wordMaxAcc[faq] = 0;
      charMaxAcc[faq] = 0;
      first[faq] = 0;
      second[faq] = 0;
      third[faq] = 0;
    }
    return result;
  }

  private accumulate(hits: Bm25Hits, maxAcc: Float64Array): void {
    if (hits.maxScore <= 0) return;
    const { docFaq, docScore, touchedDocs } = this;
    for (let i = 0; i < hits.count; i++) {
      const doc = hits.docs[i] as number;
      const faq = docFaq[doc] as number;
      if (faq < 0) continue;
      const normalized = (hits.scores[doc] as number) / hits.maxScore;
      if (normalized > (maxAcc[faq] as number)) maxAcc[faq] = normalized;
      if ((docScore[doc] as number) === 0) touchedDocs[this.touchedDocCount++] = doc;
      docScore[doc] = (docScore[doc] as number) + normalized;
    }
  }

  private ensureDocCapacity(size: number): void {
    if (size <= this.docFaq.length) return;
    const capacity = grownCapacity(this.docFaq.length, size);
    const docFaq = new Int32Array(capacity).fill(-1);
    docFaq.set(this.docFaq);
    this.docFaq = docFaq;
    this.docScore = growFloat(this.docScore, capacity);
    const touched = new Int32Array(capacity);
    touched.set(this.touchedDocs);
    this.touchedDocs = touched;
  }

  private ensureFaqCapacity(size: number): void {
    if (size <= this.wordMaxAcc.length) return;
    const capacity = grownCapacity(this.wordMaxAcc.length, size);
    this.wordMaxAcc = growFloat(this.wordMaxAcc, capacity);
    this.charMaxAcc = growFloat(this.charMaxAcc, capacity);
    this.top = [growFloat(this.top[0], capacity), growFloat(this.top[1], capacity), growFloat(this.top[2], capacity)];
  }
}

/** Words in order, then the sub-words of long Chinese words (segmenter.ts). */
function wordStream(analysis: TextAnalysis): readonly string[] {
  return analysis.subWords.length === 0 ? analysis.allWords : [...analysis.allWords, ...analysis.subWords];
}

function grownCapacity(current: number, size: number): number {
  let capacity = current;
  while (capacity < size) capacity *= 2;
  return capacity;
}

function growFloat(old: Float64Array, capacity: number): Float64Array<ArrayBuffer> {
  const fresh = new Float64Array(capacity);
  fresh.set(old);
  return fresh;
}
