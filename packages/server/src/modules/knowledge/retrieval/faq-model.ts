import { PlattCalibrator, type CalibrationSample } from './calibration.js';
import { CandidateClassifier, type ClassifierOptions, type TrainingExample } from './classifier.js';
import { CONFIDENCE_INPUT_COUNT, confidenceInputs } from './confidence-features.js';
import { finish, ITEMS_PER_STEP, type Work } from './cooperative.js';
import { packCandidates, type CandidateEvidence } from './evidence.js';
import { extractFeatures, topicWordHashes, type FeatureVector } from './features.js';
import { LexicalScorer, type LexicalCandidate, type LexicalQuery } from './lexical-scorer.js';
import { FaqFeatureStore } from './faq-features.js';
import { coverage, meanLogLikelihood } from './feature-evidence.js';
import { seededRandom, shuffleInPlace } from './random.js';
import type { TextAnalysis } from './segmenter.js';
import { TermIndex } from './term-index.js';
import { WholeBaseClassifier, type WholeBaseExample, type WholeBaseOptions, type WholeBaseRanking } from './whole-base-classifier.js';

export interface ModelOptions {
  /** Lexical candidates the classifier re-ranks for a query. */
  readonly candidateCount: number;
  /** Candidates per training question (fewer than at query time: the hard negatives are on top). */
  readonly trainingCandidateCount: number;
  readonly classifier: ClassifierOptions;
  readonly wholeBase: Omit<WholeBaseOptions, 'seed'>;
  /** Largest features × FAQs a whole-base classifier may have (0: never one). */
  readonly wholeBaseWeightLimit: number;
  readonly seed: number;
}

/** One FAQ of the ranking, with everything the caller needs to report and decide. */
export interface RankedFaq {
  /** Model-internal FAQ number (see FaqIndex for ids). */
  readonly faq: number;
  /** Of the combined ranking (re-ranker × whole-base classifier), among the candidates. */
  readonly probability: number;
  readonly confidence: number;
  /** What the confidence was computed from (confidence-features.ts), for diagnostics. */
  readonly confidenceInputs: readonly number[];
}

interface StoredQuestion {
  readonly faq: number;
  readonly features: FeatureVector;
  readonly topicWords: Int32Array;
  /** User-dictionary terms the question names. */
  readonly terms: readonly string[];
  /** 0 for the standard question, then the similar questions in order. */
  readonly position: number;
}

/**
 * The trainable state behind a FaqIndex: lexical index, per-FAQ feature tables (naive Bayes
 * counts and classifier weights), term index, the re-ranking classifier and the confidence
 * calibrator, over FAQs numbered 0, 1, 2…
 * (numbers are never reused, so a stale classifier weight can never leak into a new FAQ).
 */
export class FaqModel {
  private readonly lexical = new LexicalScorer();
  private readonly store = new FaqFeatureStore();
  private readonly termIndex = new TermIndex();
  private readonly classifier: CandidateClassifier;
  private calibrator = PlattCalibrator.identity(CONFIDENCE_INPUT_COUNT);
  /** The whole-base classifier of the last training, when the base is small enough for one. */
  private wholeBase: WholeBaseClassifier | undefined;
  private readonly questions: Array<StoredQuestion | undefined> = [];
  private readonly freeDocs: number[] = [];
  private readonly faqDocs = new Map<number, number[]>();
  /** Training examples computed by calibrate(), reused by the train() that follows it. */
  private preparedExamples: TrainingExample[] | undefined;

  constructor(private readonly options: ModelOptions) {
    this.classifier = new CandidateClassifier(this.store, options.classifier);
  }

  get calibration(): PlattCalibrator {
    return this.calibrator;
  }

  get faqCount(): number {
    return this.faqDocs.size;
  }

  get questionCount(): number {
    return this.questions.length - this.freeDocs.length;
  }

  /** Whether training gives this base a whole-base classifier (see whole-base-classifier.ts). */
  get fitsWholeBase(): boolean {
    const size = { vocabularySize: this.store.vocabularySize, questionCount: this.questionCount, faqCount: this.faqCount };
    return WholeBaseClassifier.fits(size, this.options.wholeBaseWeightLimit);
  }

  /** Indexes an FAQ's questions (searchable at once); the classifier learns it on training. */
  addFaq(faq: number, questions: readonly TextAnalysis[]): void {
    this.preparedExamples = undefined;
    if (this.faqDocs.has(faq)) this.removeFaq(faq);
    const docs: number[] = [];
    const vectors: FeatureVector[] = [];
    questions.forEach((analysis, position) => {
      const doc = this.freeDocs.pop() ?? this.questions.length;
      const features = extractFeatures(analysis);
      this.questions[doc] = { faq, features, topicWords: topicWordHashes(analysis), terms: analysis.terms, position };
      this.lexical.addQuestion(doc, faq, analysis);
      this.termIndex.add(faq, analysis.terms);
      vectors.push(features);
      docs.push(doc);
    });
    this.store.setFaq(faq, vectors);
    this.faqDocs.set(faq, docs);
  }

  removeFaq(faq: number): void {
    this.preparedExamples = undefined;
    for (const doc of this.faqDocs.get(faq) ?? []) {
      const question = this.questions[doc];
      if (question === undefined) continue;
      this.lexical.removeQuestion(doc);
      this.termIndex.remove(faq, question.terms);
      this.questions[doc] = undefined;
      this.freeDocs.push(doc);
    }
    this.store.removeFaq(faq);
    this.faqDocs.delete(faq);
  }

  /** A few classifier passes over one FAQ's questions, so an edit ranks well immediately. */
  trainFaqIncrementally(faq: number): void {
    const examples = this.examplesOfFaq(faq, this.options.trainingCandidateCount).map((example) => this.withLabel(example));
    this.classifier.trainIncrementally(examples);
  }

  /**
   * Fits the confidence calibrator on this model's own questions, by cross-validation:
   * 1. deal every FAQ's similar questions (seeded shuffle) into CALIBRATION_FOLDS folds;
   * 2. for a fold, train the classifier on all questions outside it;
   * 3. rank each held-out question like a customer query → a sample "was the top answer
   *    right?" with the confidence inputs of that answer;
   * 4. repeat with the next fold until MIN_CALIBRATION_SAMPLES held-out questions were
   *    ranked (one fold on a large base, all five on a small one);
   * 5. fit the Platt calibrator on all samples.
   * Confidence is therefore "how often an answer like this was right for a question the
   * knowledge base can answer". Out-of-scope questions get low confidence because they look
   * like the wrong answers did: low probability margin, low word coverage. (Also fitting on
   * pseudo out-of-scope samples — held-out questions ranked without their own FAQ — raised
   * CLINC150 out-of-scope recall by ~3 points, but blurs what the number means.)
   * The classifiers are left trained without the last fold: call train() next.
   */
  calibrate(): PlattCalibrator {
    return finish(this.calibrating());
  }

  /** calibrate() as work that yields between slices (cooperative.ts). */
  *calibrating(): Work<PlattCalibrator> {
    const random = seededRandom(this.options.seed);
    const folds = Array.from({ length: CALIBRATION_FOLDS }, () => new Set<number>());
    for (const docs of this.faqDocs.values()) {
      const similar = shuffleInPlace(
        docs.filter((doc) => (this.questions[doc]?.position ?? 0) > 0),
        random,
      );
      similar.forEach((doc, i) => (folds[i % CALIBRATION_FOLDS] as Set<number>).add(doc));
    }
    const examples = yield* this.collectingTrainingExamples();
    this.preparedExamples = examples;
    const samples: CalibrationSample[] = [];
    let heldOutCount = 0;
    for (const fold of folds) {
      if (fold.size === 0 || heldOutCount >= MIN_CALIBRATION_SAMPLES) break;
      const trainingExamples = examples.filter((example) => !fold.has(example.doc));
      yield* this.classifier.training(trainingExamples, this.epochsFor(trainingExamples.length));
      this.wholeBase = yield* this.wholeBaseTraining(fold);
      // Held-out questions stand for customer queries: they get the query-time search.
      for (const [i, doc] of [...fold].entries()) {
        if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) yield;
        const example = this.heldOutExample(doc);
        // Nothing matched at all: such a query is handed off before any confidence is computed.
        if (example.evidenceList.length > 0) samples.push(this.topSample(example));
      }
      heldOutCount += fold.size;
    }
    if (samples.length > 0) this.calibrator = yield* PlattCalibrator.fitting(samples, CONFIDENCE_INPUT_COUNT);
    return this.calibrator;
  }

  /** Uses a calibrator fitted elsewhere (on a sample of a large knowledge base). */
  useCalibrator(calibrator: PlattCalibrator): void {
    this.calibrator = calibrator;
  }

  /** Trains both classifiers from scratch on every question. */
  train(): void {
    finish(this.training());
  }

  /** train() as work that yields between slices (cooperative.ts). */
  *training(): Work<void> {
    const examples = this.preparedExamples ?? (yield* this.collectingTrainingExamples());
    this.preparedExamples = undefined;
    yield* this.classifier.training(examples, this.epochsFor(examples.length));
    this.wholeBase = yield* this.wholeBaseTraining(new Set());
  }

  /** A whole-base classifier on every question outside `excluded`, if the base fits one. */
  private *wholeBaseTraining(excluded: ReadonlySet<number>): Work<WholeBaseClassifier | undefined> {
    if (!this.fitsWholeBase) return undefined;
    const examples: WholeBaseExample[] = [];
    this.questions.forEach((question, doc) => {
      if (question !== undefined && !excluded.has(doc)) examples.push({ features: question.features, faq: question.faq });
    });
    return yield* WholeBaseClassifier.training(examples, { ...this.options.wholeBase, seed: this.options.seed });
  }

  private *collectingTrainingExamples(): Work<Array<TrainingExample & { doc: number }>> {
    const examples: Array<TrainingExample & { doc: number }> = [];
    for (const [faq, docs] of this.faqDocs) {
      yield;
      this.examplesOfFaq(faq, this.options.trainingCandidateCount).forEach((example, i) => {
        const { features, candidates, label } = this.withLabel(example);
        // Only the packed form is kept: a large base has millions of candidate evidences.
        examples.push({ features, candidates, label, doc: docs[i] as number });
      });
    }
    return examples;
  }

  /**
   * Fewer passes over very large bases: with 70,000 questions three passes already see
   * each confusion many times, and build time stays in seconds.
   */
  private epochsFor(exampleCount: number): number {
    const { epochs } = this.options.classifier;
    if (exampleCount <= 20_000) return epochs;
    return Math.max(3, Math.round(epochs * Math.sqrt(20_000 / exampleCount)));
  }

  /** The best `limit` FAQs for an analysed query, best first. */
  rank(analysis: TextAnalysis, limit: number): RankedFaq[] {
    const query = this.lexical.queryOf(analysis);
    const count = this.options.candidateCount;
    const features = extractFeatures(analysis);
    const wholeBase = this.wholeBase?.rank(features);
    const lexical = this.withTermCandidates(query, this.lexical.candidates(query, count), analysis.terms, count);
    const found = this.withWholeBaseCandidates(query, lexical, wholeBase);
    if (found.length === 0) return [];
    const candidates = this.padded(query, found);
    const topicWords = topicWordHashes(analysis);
    const evidence = candidates.map((candidate) => this.withCounts(candidate, features, topicWords, analysis.terms));
    const scored = this.score(features, evidence, wholeBase);
    const order = [...scored.probabilities.keys()].sort(
      (a, b) => (scored.probabilities[b] as number) - (scored.probabilities[a] as number),
    );
    // Margins are taken against every candidate, padding included, as in calibration; but
    // padding FAQs only temper the softmax — they are no answer to offer.
    const best = scored.probabilities[order[0] as number] as number;
    const second = order.length > 1 ? (scored.probabilities[order[1] as number] as number) : 0;
    const ranked = order.filter((i) => i < found.length);
    return ranked.slice(0, limit).map((i, rank) => {
      const probability = scored.probabilities[i] as number;
      const inputs = confidenceInputs(
        probability,
        rank === 0 ? second : best,
        scored.wholeBase[i] as number,
        evidence[i] as CandidateEvidence,
      );
      return {
        faq: (evidence[i] as CandidateEvidence).faq,
        probability,
        confidence: this.calibrator.confidence(inputs),
        confidenceInputs: inputs,
      };
    });
  }

  /**
   * The candidates' probabilities: the re-ranker's, times the whole-base classifier's,
   * renormalised over the candidates (a product of experts: an FAQ must convince both).
   * `wholeBase` holds each candidate's whole-base probability; an FAQ the whole-base
   * classifier has not been trained on yet (added since) stands in with its re-ranker
   * probability. Without a whole-base classifier both are the re-ranker's.
   */
  private score(
    features: FeatureVector,
    evidence: readonly CandidateEvidence[],
    wholeBase: WholeBaseRanking | undefined,
  ): { probabilities: Float64Array; wholeBase: Float64Array } {
    const reranked = this.classifier.probabilities(features, packCandidates(evidence));
    if (wholeBase === undefined) return { probabilities: reranked, wholeBase: reranked };
    const absolute = new Float64Array(evidence.length);
    const combined = new Float64Array(evidence.length);
    let total = 0;
    evidence.forEach((candidate, i) => {
      const own = reranked[i] as number;
      absolute[i] = wholeBase.probabilityOf(candidate.faq) ?? own;
      combined[i] = own * Math.max(absolute[i] as number, 1e-12);
      total += combined[i] as number;
    });
    if (total > 0) for (let i = 0; i < combined.length; i++) combined[i] = (combined[i] as number) / total;
    return { probabilities: total > 0 ? combined : reranked, wholeBase: absolute };
  }

  /**
   * Adds the whole-base classifier's WHOLE_BASE_CANDIDATES most probable FAQs that the
   * lexical search missed: it knows FAQs by what their questions mean as a whole, including
   * words a query shares with none of their questions but with their neighbours'. A query
   * that matched nothing lexically gets none: it shares no feature with the base either, and
   * the whole-base ranking of nothing (its biases) is no suggestion to show anyone.
   */
  private withWholeBaseCandidates(
    query: LexicalQuery,
    candidates: LexicalCandidate[],
    wholeBase: WholeBaseRanking | undefined,
  ): LexicalCandidate[] {
    if (wholeBase === undefined || candidates.length === 0) return candidates;
    const present = new Set(candidates.map((candidate) => candidate.faq));
    const extra = wholeBase.best(WHOLE_BASE_CANDIDATES, (faq) => !present.has(faq) && this.faqDocs.has(faq));
    return extra.length === 0 ? candidates : [...candidates, ...this.lexical.evidence(query, extra)];
  }

  private topSample(example: CalibrationExample): CalibrationSample {
    const evidence = example.evidenceList;
    const scored = this.score(example.features, evidence, example.wholeBase);
    const { probabilities } = scored;
    let top = 0;
    let second = -1;
    for (let i = 1; i < probabilities.length; i++) {
      if ((probabilities[i] as number) > (probabilities[top] as number)) {
        second = top;
        top = i;
      } else if (second < 0 || (probabilities[i] as number) > (probabilities[second] as number)) {
        second = i;
      }
    }
    const inputs = confidenceInputs(
      probabilities[top] as number,
      second < 0 ? 0 : (probabilities[second] as number),
      scored.wholeBase[top] as number,
      evidence[top] as CandidateEvidence,
    );
    return { inputs, correct: (evidence[top] as CandidateEvidence).faq === example.label };
  }

  /**
   * A held-out question as a customer query: the query-time search (lexical, term and
   * whole-base candidates) with the question left out of the lexical index and its FAQ's counts.
   */
  private heldOutExample(doc: number): CalibrationExample {
    const question = this.questions[doc] as StoredQuestion;
    const { candidateCount } = this.options;
    const query = this.lexical.queryOfQuestion(doc);
    const wholeBase = this.wholeBase?.rank(question.features);
    const lexical = this.withTermCandidates(query, this.lexical.candidates(query, candidateCount), question.terms, candidateCount);
    const found = this.withWholeBaseCandidates(query, lexical, wholeBase);
    return { ...this.exampleFrom(question, found.length === 0 ? found : this.padded(query, found)), wholeBase };
  }

  /**
   * A stored question as a training example: candidates and evidence computed with the
   * question itself left out of the lexical index and of its FAQ's feature counts. A query
   * gets as many term candidates as lexical ones; a training question half as many (they
   * cost training time and are mostly easy negatives).
   */
  private trainingExample(doc: number, limit: number, termLimit: number): CalibrationExample {
    const question = this.questions[doc] as StoredQuestion;
    const query = this.lexical.queryOfQuestion(doc);
    const found = this.withTermCandidates(query, this.lexical.candidates(query, limit), question.terms, termLimit);
    return this.exampleFrom(question, found.length === 0 ? found : this.padded(query, found));
  }

  private exampleFrom(question: StoredQuestion, lexical: readonly LexicalCandidate[]): CalibrationExample {
    const evidenceList = lexical.map((candidate) =>
      this.withCounts(
        candidate,
        question.features,
        question.topicWords,
        question.terms,
        candidate.faq === question.faq ? question : undefined,
      ),
    );
    return { features: question.features, candidates: packCandidates(evidenceList), label: question.faq, evidenceList, question };
  }

  /**
   * With fewer than MIN_CANDIDATES candidates, adds other FAQs (no lexical match, so little
   * evidence). A query that matches a single FAQ on one stray character would otherwise get
   * probability 1 and a perfect margin from a softmax over one candidate.
   */
  private padded(query: LexicalQuery, candidates: LexicalCandidate[]): LexicalCandidate[] {
    if (candidates.length >= MIN_CANDIDATES) return candidates;
    const present = new Set(candidates.map((candidate) => candidate.faq));
    const others: number[] = [];
    for (const faq of this.faqDocs.keys()) {
      if (others.length + candidates.length >= MIN_CANDIDATES) break;
      if (!present.has(faq)) others.push(faq);
    }
    return [...candidates, ...this.lexical.evidence(query, others)];
  }

  /**
   * Adds to the lexical candidates up to `limit` more: the FAQs holding the terms the query
   * names (see term-index.ts), best lexical match first.
   */
  private withTermCandidates(
    query: LexicalQuery,
    candidates: LexicalCandidate[],
    terms: readonly string[],
    limit: number,
  ): LexicalCandidate[] {
    if (terms.length === 0) return candidates;
    const present = new Set(candidates.map((candidate) => candidate.faq));
    const extra = this.termIndex.faqsWith(terms, MAX_TERM_HOLDERS).filter((faq) => !present.has(faq));
    if (extra.length === 0) return candidates;
    return [...candidates, ...this.lexical.evidence(query, extra).slice(0, limit)];
  }

  /**
   * Training examples of every question of one FAQ. A question's candidates are those of
   * its leave-one-out search. On a large base (over LARGE_BASE_QUESTIONS questions) that
   * search — one per question, each walking long posting lists — would dominate build time,
   * so the FAQ's likely confusions are found once with all its questions together, and each
   * question then gets the exact leave-one-out evidence of those FAQs by direct scoring
   * (unless the FAQs have so many questions that searching is cheaper).
   */
  private examplesOfFaq(faq: number, limit: number): CalibrationExample[] {
    const docs = this.faqDocs.get(faq) ?? [];
    const termLimit = Math.ceil(limit / 2);
    if (this.questionCount <= LARGE_BASE_QUESTIONS) return docs.map((doc) => this.trainingExample(doc, limit, termLimit));
    const neighbours = this.lexical.neighbours(faq, limit * 2);
    const scoredQuestions = [faq, ...neighbours].reduce((sum, f) => sum + this.lexical.questionCount(f), 0);
    if (scoredQuestions > DIRECT_SCORING_LIMIT) return docs.map((doc) => this.trainingExample(doc, limit, termLimit));
    // FAQs naming the same terms, chosen once for the FAQ as a whole.
    const terms = [...new Set(docs.flatMap((doc) => (this.questions[doc] as StoredQuestion).terms))];
    const inPool = new Set([faq, ...neighbours]);
    const byTerm = this.termIndex.faqsWith(terms, MAX_TERM_HOLDERS).filter((f) => !inPool.has(f));
    const termNeighbours = this.lexical
      .evidence(this.lexical.queryOfFaq(faq), byTerm)
      .slice(0, termLimit)
      .map((candidate) => candidate.faq);
    const pool = [faq, ...neighbours, ...termNeighbours];
    return docs.map((doc) => {
      const question = this.questions[doc] as StoredQuestion;
      const evidence = this.lexical.evidence(this.lexical.queryOfQuestion(doc), pool);
      const lexical = evidence.filter((candidate) => candidate.score > 0).slice(0, limit);
      const chosen = new Set(lexical.map((candidate) => candidate.faq));
      const extra = evidence.filter((candidate) => termNeighbours.includes(candidate.faq) && !chosen.has(candidate.faq));
      return this.exampleFrom(question, [...lexical, ...extra]);
    });
  }

  /** Adds count-based evidence; `leaveOut` is the training question itself when scoring its own FAQ. */
  private withCounts(
    candidate: LexicalCandidate,
    features: FeatureVector,
    topicWords: Int32Array,
    terms: readonly string[],
    leaveOut?: StoredQuestion,
  ): CandidateEvidence {
    return {
      ...candidate,
      naiveBayes: meanLogLikelihood(this.store, candidate.faq, features, leaveOut?.features),
      coverage: coverage(this.store, candidate.faq, topicWords, leaveOut?.topicWords),
      termMatch: this.termIndex.share(candidate.faq, terms, leaveOut?.terms),
    };
  }

  /**
   * For training, the right FAQ joins the candidates when the search did not find it, so
   * that its weights still learn (an FAQ with a single question has no other question to be
   * found by), with the evidence it has: no lexical match.
   */
  private withLabel(example: CalibrationExample): CalibrationExample {
    if (example.evidenceList.some((candidate) => candidate.faq === example.label)) return example;
    const { question } = example;
    const label = this.withCounts(
      { faq: example.label, wordMax: 0, charMax: 0, top3Mean: 0, score: 0 },
      question.features,
      question.topicWords,
      question.terms,
      question,
    );
    const evidenceList = [...example.evidenceList, label];
    return { ...example, candidates: packCandidates(evidenceList), evidenceList };
  }
}

/** Folds of similar questions for calibration (each holds out ~1/5 of every FAQ's similar questions). */
const CALIBRATION_FOLDS = 5;
/** Held-out questions after which calibration stops taking further folds. */
const MIN_CALIBRATION_SAMPLES = 1500;
/** Above this many questions, training candidates are found per FAQ rather than per question. */
const LARGE_BASE_QUESTIONS = 20_000;
/** Above this many questions among an FAQ and its neighbours, per-question search is cheaper than direct scoring. */
const DIRECT_SCORING_LIMIT = 400;
/** Fewest candidates a query is ranked among (see padded()). */
const MIN_CANDIDATES = 5;
/** A term held by more FAQs than this (a shop name found everywhere) does not pick candidates. */
const MAX_TERM_HOLDERS = 100;
/** Candidates the whole-base classifier adds to the lexical ones. */
const WHOLE_BASE_CANDIDATES = 5;

interface CalibrationExample extends TrainingExample {
  readonly evidenceList: readonly CandidateEvidence[];
  readonly question: StoredQuestion;
  /** Held-out questions only: the whole-base ranking, as a query would get. */
  readonly wholeBase?: WholeBaseRanking | undefined;
}
