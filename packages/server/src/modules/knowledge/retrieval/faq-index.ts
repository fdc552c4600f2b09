import { DEFAULT_CLASSIFIER_OPTIONS, type ClassifierOptions } from './classifier.js';
import { finish, finishCooperatively, ITEMS_PER_STEP, type Cooperation, type Work } from './cooperative.js';
import type { CalibrationModel } from './calibration.js';
import { DEFAULT_THRESHOLDS, decideFromHits, validateThresholds } from './decision.js';
import { FaqModel, type ModelOptions } from './faq-model.js';
import { DEFAULT_WHOLE_BASE_OPTIONS, WHOLE_BASE_WEIGHT_LIMIT, type WholeBaseOptions } from './whole-base-classifier.js';
import { normalizeText } from './normalize.js';
import { seededRandom, shuffleInPlace } from './random.js';
import { Segmenter, type TextAnalysis } from './segmenter.js';
import type { Decision, DecisionThresholds, FaqEntry, SearchHit } from './types.js';

export interface FaqIndexOptions {
  /** Workspace-wide terms for the user dictionary, besides each entry's own `terms`. */
  readonly terms?: readonly string[];
  readonly thresholds?: Partial<DecisionThresholds>;
  /** Lexical candidates re-ranked per query (default 20). */
  readonly candidateCount?: number;
  /** Candidates per training question (default 10). */
  readonly trainingCandidateCount?: number;
  readonly classifier?: Partial<ClassifierOptions>;
  readonly wholeBase?: Partial<Omit<WholeBaseOptions, 'seed'>>;
  /** Largest features × FAQs for a whole-base classifier (default 16 million; 0 turns it off). */
  readonly wholeBaseWeightLimit?: number;
  /** Seed of every random choice (training order, held-out questions), for reproducible builds. */
  readonly seed?: number;
  /**
   * Larger bases are calibrated on a seeded sample of this many FAQs (default 2,000):
   * calibration needs a second training run, and a sample of this size already gives
   * thousands of calibration samples.
   */
  readonly calibrationFaqLimit?: number;
}

interface IndexedEntry {
  readonly entry: FaqEntry;
  /** Number of the FAQ inside the current model. */
  readonly faq: number;
  /** Its questions normalised, one per line: made when a dictionary change first needs it, then kept. */
  normalized?: string;
}

/**
 * A knowledge base's FAQ retrieval engine, in memory, CPU only.
 *
 * build() indexes and trains (lexical BM25 + naive Bayes + a re-ranking logistic regression
 * with a calibrated confidence). upsert() and remove() take effect immediately: the lexical
 * index and naive Bayes counts are exact at once and the classifier makes a few passes over
 * the edited FAQ; `pendingEdits` counts edits since the last full training, and retrain()
 * (to be run in the background when the base is idle) folds them in completely.
 */
export class FaqIndex {
  private readonly segmenter: Segmenter;
  private readonly entries = new Map<string, IndexedEntry>();
  private readonly faqIds: string[] = [];
  /** How many entries (plus 1 for the workspace list) hold each normalised term. */
  private readonly termHolders = new Map<string, number>();
  private readonly modelOptions: ModelOptions;
  private readonly calibrationFaqLimit: number;
  private model: FaqModel;
  private currentThresholds: DecisionThresholds;
  private edits = 0;

  private constructor(private readonly options: FaqIndexOptions) {
    this.segmenter = new Segmenter();
    for (const term of options.terms ?? []) this.holdTerm(term, 1);
    this.currentThresholds = validateThresholds({ ...DEFAULT_THRESHOLDS, ...options.thresholds });
    this.modelOptions = {
      candidateCount: positiveInteger(options.candidateCount ?? 20, 'candidateCount'),
      trainingCandidateCount: positiveInteger(options.trainingCandidateCount ?? 10, 'trainingCandidateCount'),
      classifier: { ...DEFAULT_CLASSIFIER_OPTIONS, ...options.classifier, seed: options.seed ?? DEFAULT_CLASSIFIER_OPTIONS.seed },
      wholeBase: { ...DEFAULT_WHOLE_BASE_OPTIONS, ...options.wholeBase },
      wholeBaseWeightLimit: options.wholeBaseWeightLimit ?? WHOLE_BASE_WEIGHT_LIMIT,
      seed: options.seed ?? 1,
    };
    this.calibrationFaqLimit = positiveInteger(options.calibrationFaqLimit ?? 2000, 'calibrationFaqLimit');
    this.model = new FaqModel(this.modelOptions);
  }

  /** Indexes and trains on `entries` (ids must be unique). */
  static build(entries: Iterable<FaqEntry>, options: FaqIndexOptions = {}): FaqIndex {
    return finish(FaqIndex.building(entries, options));
  }

  /**
   * build() spread over the event loop (cooperative.ts): the same index, but a server stays
   * responsive while a large base trains. Undefined when `cooperation.shouldStop` stopped it.
   */
  static buildCooperatively(
    entries: Iterable<FaqEntry>,
    options: FaqIndexOptions = {},
    cooperation: Cooperation = {},
  ): Promise<FaqIndex | undefined> {
    // A bad entry rejects the promise with the RangeError build() would throw.
    return finishCooperatively(FaqIndex.building(entries, options), cooperation);
  }

  /**
   * A fresh index trained from scratch on this one's entries and options, built cooperatively
   * while this one keeps answering: the background counterpart of retrain().
   */
  rebuildCooperatively(cooperation: Cooperation = {}): Promise<FaqIndex | undefined> {
    const entries = [...this.entries.values()].map((indexed) => indexed.entry);
    return FaqIndex.buildCooperatively(entries, { ...this.options, thresholds: this.currentThresholds }, cooperation);
  }

  private static *building(entries: Iterable<FaqEntry>, options: FaqIndexOptions): Work<FaqIndex> {
    const index = new FaqIndex(options);
    const list = [...entries];
    const seen = new Set<string>();
    for (const [i, entry] of list.entries()) {
      if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) yield;
      validateEntry(entry);
      if (seen.has(entry.id)) throw new RangeError(`duplicate FAQ id "${entry.id}"`);
      seen.add(entry.id);
      for (const term of entry.terms ?? []) index.holdTerm(term, 1);
    }
    // Terms first, so that every question is segmented with the complete dictionary.
    for (const [i, entry] of list.entries()) {
      if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) yield;
      index.indexEntry(entry);
    }
    yield* index.modelTraining();
    return index;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Edits since the last full training; retrain() when convenient if this grows. */
  get pendingEdits(): number {
    return this.edits;
  }

  get thresholds(): DecisionThresholds {
    return this.currentThresholds;
  }

  set thresholds(thresholds: DecisionThresholds) {
    this.currentThresholds = validateThresholds({ ...thresholds });
  }

  /** The fitted confidence calibration (for inspection and documentation). */
  get calibration(): CalibrationModel {
    return this.model.calibration.parameters;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): FaqEntry | undefined {
    return this.entries.get(id)?.entry;
  }

  /** Adds or replaces an FAQ; searchable as soon as this returns. */
  upsert(entry: FaqEntry): void {
    validateEntry(entry);
    const previous = this.entries.get(entry.id);
    if (previous !== undefined) {
      this.unindexEntry(previous);
      this.entries.delete(entry.id);
    }
    const changedTerms = [
      ...(entry.terms ?? []).filter((term) => this.holdTerm(term, 1)),
      ...(previous?.entry.terms ?? []).filter((term) => this.holdTerm(term, -1)),
    ];
    this.reindexContaining(changedTerms);
    const indexed = this.indexEntry(entry);
    this.model.trainFaqIncrementally(indexed.faq);
    this.edits += 1;
  }

  /** Removes an FAQ; returns false when the id was unknown. */
  remove(id: string): boolean {
    const previous = this.entries.get(id);
    if (previous === undefined) return false;
    this.unindexEntry(previous);
    this.entries.delete(id);
    this.reindexContaining((previous.entry.terms ?? []).filter((term) => this.holdTerm(term, -1)));
    this.edits += 1;
    return true;
  }

  /** Re-trains classifier and calibration from scratch on the current entries. */
  retrain(): void {
    const entries = [...this.entries.values()].map((indexed) => indexed.entry);
    this.model = new FaqModel(this.modelOptions);
    this.entries.clear();
    this.faqIds.length = 0;
    for (const entry of entries) this.indexEntry(entry);
    finish(this.modelTraining());
    this.edits = 0;
  }

  /** The `limit` best FAQs for a customer's text, best first. */
  search(text: string, limit = 5): SearchHit[] {
    const analysis = this.segmenter.analyze(text);
    if (analysis.allWords.length === 0 && analysis.charGrams.length === 0) return [];
    return this.model.rank(analysis, limit).map((ranked) => ({
      id: this.faqIds[ranked.faq] as string,
      score: ranked.probability,
      confidence: ranked.confidence,
    }));
  }

  /** Answer, clarify with choices, or hand off, per the thresholds. */
  decide(text: string): Decision {
    return decideFromHits(this.search(text, this.currentThresholds.maxChoices), this.currentThresholds);
  }

  /** How the segmenter cuts a text with this knowledge base's dictionary (for admins and tests). */
  segment(text: string): string[] {
    return this.segmenter.cut(text);
  }

  /** Calibration (on a sample when the base is large), then the final classifiers. */
  private *modelTraining(): Work<void> {
    const entries = [...this.entries.values()].map((indexed) => indexed.entry);
    if (entries.length <= this.calibrationFaqLimit) {
      yield* this.model.calibrating();
    } else {
      const sample = shuffleInPlace([...entries], seededRandom(this.modelOptions.seed)).slice(0, this.calibrationFaqLimit);
      // The sample is calibrated with a whole-base classifier exactly when the full base gets one.
      const wholeBaseWeightLimit = this.model.fitsWholeBase ? Infinity : 0;
      const sampleModel = new FaqModel({ ...this.modelOptions, wholeBaseWeightLimit });
      for (const [faq, entry] of sample.entries()) {
        if (faq % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) yield;
        sampleModel.addFaq(faq, this.analyzeQuestions(entry));
      }
      this.model.useCalibrator(yield* sampleModel.calibrating());
    }
    yield* this.model.training();
  }

  private analyzeQuestions(entry: FaqEntry): TextAnalysis[] {
    return [entry.question, ...entry.similarQuestions]
      .filter((question) => normalizeText(question) !== '')
      .map((question) => this.segmenter.analyze(question));
  }

  private indexEntry(entry: FaqEntry): IndexedEntry {
    const faq = this.faqIds.length;
    this.faqIds.push(entry.id);
    this.model.addFaq(faq, this.analyzeQuestions(entry));
    const indexed = { entry, faq };
    this.entries.set(entry.id, indexed);
    return indexed;
  }

  private unindexEntry(indexed: IndexedEntry): void {
    this.model.removeFaq(indexed.faq);
  }

  /**
   * Re-segments the FAQs whose questions contain a term that entered or left the dictionary.
   * An FAQ keeps its model number, so its classifier weights stay (only its features that
   * changed lose effect until the next retrain).
   */
  private reindexContaining(terms: readonly string[]): void {
    const normalizedTerms = terms.map(normalizeText).filter((term) => term !== '');
    if (normalizedTerms.length === 0) return;
    for (const indexed of this.entries.values()) {
      const { entry } = indexed;
      // A normalised term holds no line break, so it cannot match across two questions.
      indexed.normalized ??= [entry.question, ...entry.similarQuestions].map(normalizeText).join('\n');
      const text = indexed.normalized;
      if (normalizedTerms.some((term) => text.includes(term))) this.model.addFaq(indexed.faq, this.analyzeQuestions(entry));
    }
  }

  /** Counts a holder in or out of a term; true when the dictionary itself changed. */
  private holdTerm(term: string, delta: 1 | -1): boolean {
    const normalized = normalizeText(term);
    if (normalized === '') return false;
    const holders = (this.termHolders.get(normalized) ?? 0) + delta;
    if (holders > 0) {
      this.termHolders.set(normalized, holders);
      return delta > 0 && holders === 1 && this.segmenter.dictionary.add(normalized);
    }
    this.termHolders.delete(normalized);
    return this.segmenter.dictionary.remove(normalized);
  }
}

function validateEntry(entry: FaqEntry): void {
  if (typeof entry.id !== 'string' || entry.id === '') throw new RangeError('an FAQ needs a non-empty string id');
  if (typeof entry.question !== 'string' || normalizeText(entry.question) === '') {
    throw new RangeError(`FAQ "${entry.id}" needs a standard question with at least one word`);
  }
  if (!Array.isArray(entry.similarQuestions) || entry.similarQuestions.some((q) => typeof q !== 'string')) {
    throw new RangeError(`FAQ "${entry.id}": similarQuestions must be a list of strings`);
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer (got ${value})`);
  return value;
}
