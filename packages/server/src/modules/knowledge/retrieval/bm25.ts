/**
 * Okapi BM25 over an inverted index that adds and removes documents one at a time.
 *
 * Why not MiniSearch here (it is the plain baseline in bench/): the engine needs
 * (1) scores aggregated per FAQ over all of its questions, (2) a score normalised to the
 * query's own best possible score, a strong "is this out of scope?" signal, and
 * (3) leave-one-out scoring of a stored question against all the others while the
 * classifier trains. All three need the raw postings, which MiniSearch keeps private.
 * Postings live in typed arrays and scores accumulate in a reused buffer, so an edit is
 * searchable at once and a query stays well under a millisecond on large bases.
 */
export interface Bm25Options {
  /** Term-frequency saturation. */
  readonly k1: number;
  /** Length normalisation. */
  readonly b: number;
  /**
   * Terms found in more than this share of the documents (and in more than 50) count in
   * `maxScore` but their postings are not walked: their IDF is low, so they barely move the
   * ranking, yet on a large base they are most of the work (a common character n-gram
   * touches most questions). The classifier re-ranks what they would have nudged.
   */
  readonly maxDocumentShare: number;
}

export const DEFAULT_BM25_OPTIONS: Bm25Options = { k1: 1.2, b: 0.75, maxDocumentShare: 0.1 };

/** Documents of one term; `docs[0..size)` are live, unordered. */
interface Posting {
  docs: Int32Array;
  tfs: Float32Array;
  size: number;
}

/** A query in the index's own terms. */
export interface Bm25Query {
  readonly ids: ArrayLike<number>;
  /** Query terms no document holds: they count in maxScore with the highest IDF. */
  readonly unknown: number;
  /** A document to leave out of the scores (a stored question used as the query), or -1. */
  readonly skipDoc: number;
}

/** Scores of one search; the arrays are reused by the next search on the same index. */
export interface Bm25Hits {
  /** Matching document ids, `docs[0..count)`. */
  readonly docs: Int32Array;
  /** Score of each document, indexed by document id. */
  readonly scores: Float64Array;
  readonly count: number;
  /** Σ idf over distinct query terms, unknown ones included: the score of a perfect match. */
  readonly maxScore: number;
}

export class Bm25Index {
  private readonly termIds = new Map<string, number>();
  private readonly postings: Posting[] = [];
  /**
   * Each document's terms, sorted by id, with their frequencies: for removal, for scoring a
   * stored document as a query, and for scoring chosen documents without walking postings.
   */
  private readonly docTerms = new Map<number, { ids: Int32Array; tfs: Float32Array }>();
  private docLength = new Float64Array(1024);
  private totalLength = 0;
  private scores = new Float64Array(1024);
  private touched = new Int32Array(1024);

  constructor(private readonly options: Bm25Options = DEFAULT_BM25_OPTIONS) {}

  get documentCount(): number {
    return this.docTerms.size;
  }

  has(doc: number): boolean {
    return this.docTerms.has(doc);
  }

  /** Document ids are small non-negative integers chosen by the caller (dense is best). */
  add(doc: number, tokens: readonly string[]): void {
    if (this.docTerms.has(doc)) this.remove(doc);
    this.ensureDocCapacity(doc + 1);
    const counts = new Map<number, number>();
    for (const token of tokens) {
      let id = this.termIds.get(token);
      if (id === undefined) {
        id = this.postings.length;
        this.termIds.set(token, id);
        this.postings.push({ docs: new Int32Array(2), tfs: new Float32Array(2), size: 0 });
      }
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const [id, tf] of counts) {
      const posting = this.postings[id] as Posting;
      if (posting.size === posting.docs.length) {
        const docs = new Int32Array(posting.size * 2);
        docs.set(posting.docs);
        const tfs = new Float32Array(posting.size * 2);
        tfs.set(posting.tfs);
        posting.docs = docs;
        posting.tfs = tfs;
      }
      posting.docs[posting.size] = doc;
      posting.tfs[posting.size] = tf;
      posting.size += 1;
    }
    const ids = Int32Array.from(counts.keys()).sort();
    this.docTerms.set(doc, { ids, tfs: Float32Array.from(ids, (id) => counts.get(id) as number) });
    this.docLength[doc] = tokens.length;
    this.totalLength += tokens.length;
  }

  remove(doc: number): void {
    const terms = this.docTerms.get(doc);
    if (terms === undefined) return;
    for (const id of terms.ids) {
      const posting = this.postings[id] as Posting;
      const at = posting.docs.subarray(0, posting.size).indexOf(doc);
      if (at < 0) continue;
      // Swap-remove: order inside a posting does not matter.
      posting.size -= 1;
      posting.docs[at] = posting.docs[posting.size] as number;
      posting.tfs[at] = posting.tfs[posting.size] as number;
    }
    this.totalLength -= this.docLength[doc] ?? 0;
    this.docLength[doc] = 0;
    this.docTerms.delete(doc);
  }

  /** Robertson–Spärck Jones IDF, never negative; a term seen nowhere gets the highest IDF. */
  idf(term: string): number {
    const id = this.termIds.get(term);
    return this.idfOf(id === undefined ? 0 : (this.postings[id] as Posting).size);
  }

  /** A query as term ids known to the index, plus how many of its terms the index has never seen. */
  query(tokens: readonly string[]): Bm25Query {
    const ids: number[] = [];
    let unknown = 0;
    for (const token of new Set(tokens)) {
      const id = this.termIds.get(token);
      if (id === undefined) unknown += 1;
      else ids.push(id);
    }
    return { ids, unknown, skipDoc: -1 };
  }

  /** A stored document as a query against all the others (it is left out of the results). */
  queryOfDocument(doc: number): Bm25Query {
    return { ids: this.docTerms.get(doc)?.ids ?? [], unknown: 0, skipDoc: doc };
  }

  /** All the terms of several stored documents as one query. */
  queryOfDocuments(docs: readonly number[]): Bm25Query {
    const ids = new Set<number>();
    for (const doc of docs) for (const id of this.docTerms.get(doc)?.ids ?? []) ids.add(id);
    return { ids: [...ids], unknown: 0, skipDoc: -1 };
  }

  /** Scores every document sharing a term with the query. */
  search(query: Bm25Query): Bm25Hits {
    const n = this.docTerms.size;
    let count = 0;
    let maxScore = query.unknown * this.idfOf(0);
    if (n > 0) {
      const { k1, b } = this.options;
      const lengthFactor = (k1 * b) / (this.totalLength / n);
      const constant = k1 * (1 - b);
      const skipAbove = this.skipAbove();
      const { scores, touched, docLength } = this;
      const { ids, skipDoc } = query;
      for (let t = 0; t < ids.length; t++) {
        const posting = this.postings[ids[t] as number] as Posting;
        const df = posting.size;
        const idf = this.idfOf(df);
        maxScore += idf;
        if (df > skipAbove) continue;
        const { docs, tfs } = posting;
        for (let i = 0; i < df; i++) {
          const doc = docs[i] as number;
          if (doc === skipDoc) continue;
          const tf = tfs[i] as number;
          const weight = (idf * tf * (k1 + 1)) / (tf + constant + lengthFactor * (docLength[doc] as number));
          if (scores[doc] === 0) touched[count++] = doc;
          scores[doc] = (scores[doc] as number) + weight;
        }
      }
    }
    return { docs: this.touched, scores: this.scores, count, maxScore };
  }

  /**
   * Scores chosen documents without walking any posting list — the same numbers search()
   * would give them, at a cost proportional to documents × query terms. `scores[i]` receives
   * the score of `docs[i]`; returns the query's perfect score (see Bm25Hits.maxScore).
   */
  scoreDocuments(query: Bm25Query, docs: readonly number[], scores: Float64Array): number {
    scores.fill(0, 0, docs.length);
    const n = this.docTerms.size;
    let maxScore = query.unknown * this.idfOf(0);
    if (n === 0) return maxScore;
    const { k1, b } = this.options;
    const lengthFactor = (k1 * b) / (this.totalLength / n);
    const constant = k1 * (1 - b);
    const skipAbove = this.skipAbove();
    const terms = docs.map((doc) => (doc === query.skipDoc ? undefined : this.docTerms.get(doc)));
    for (let t = 0; t < query.ids.length; t++) {
      const id = query.ids[t] as number;
      const df = (this.postings[id] as Posting).size;
      const idf = this.idfOf(df);
      maxScore += idf;
      if (df > skipAbove) continue;
      for (let i = 0; i < docs.length; i++) {
        const docTerms = terms[i];
        if (docTerms === undefined) continue;
        const at = binarySearch(docTerms.ids, id);
        if (at < 0) continue;
        const tf = docTerms.tfs[at] as number;
        const length = this.docLength[docs[i] as number] as number;
        scores[i] = (scores[i] as number) + (idf * tf * (k1 + 1)) / (tf + constant + lengthFactor * length);
      }
    }
    return maxScore;
  }

  /** Zeroes the score buffer after the caller has read a search's hits. */
  release(hits: Bm25Hits): void {
    for (let i = 0; i < hits.count; i++) this.scores[hits.docs[i] as number] = 0;
  }

  private idfOf(df: number): number {
    const n = this.docTerms.size;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  private skipAbove(): number {
    return Math.max(50, this.options.maxDocumentShare * this.docTerms.size);
  }

  private ensureDocCapacity(size: number): void {
    if (size <= this.docLength.length) return;
    let capacity = this.docLength.length;
    while (capacity < size) capacity *= 2;
    const grow = <T extends Float64Array | Int32Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.docLength = grow(this.docLength, new Float64Array(capacity));
    this.scores = grow(this.scores, new Float64Array(capacity));
    this.touched = grow(this.touched, new Int32Array(capacity));
  }
}

function binarySearch(sorted: Int32Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = sorted[mid] as number;
    if (at === value) return mid;
    if (at < value) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}
