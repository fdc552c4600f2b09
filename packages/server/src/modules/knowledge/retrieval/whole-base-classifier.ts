import { finish, ITEMS_PER_STEP, type Work } from './cooperative.js';
import type { FeatureVector } from './features.js';
import { seededRandom, shuffleInPlace } from './random.js';

/** One question the whole-base classifier learns from. */
export interface WholeBaseExample {
  readonly features: FeatureVector;
  readonly faq: number;
}

export interface WholeBaseOptions {
  readonly epochs: number;
  /** Starting SGD step, decayed linearly to almost nothing over the epochs. */
  readonly learningRate: number;
  readonly l2: number;
  readonly seed: number;
}

export const DEFAULT_WHOLE_BASE_OPTIONS: Omit<WholeBaseOptions, 'seed'> = { epochs: 15, learningRate: 1.5, l2: 1e-4 };

/**
 * Beyond this many weights (features × FAQs, 4 bytes each: 64 MB) a base gets no whole-base
 * classifier: a 150-FAQ base with 15,000 questions needs ~5 million, a 20,000-FAQ base
 * billions.
 */
export const WHOLE_BASE_WEIGHT_LIMIT = 16_000_000;
/**
 * Nor beyond this many questions × FAQs: each training pass costs about that times a
 * question's feature count. CLINC150's 15,000 questions × 150 FAQs (2.25 million) train in
 * ~5 s; the limit keeps any base's extra build time near that.
 */
export const WHOLE_BASE_WORK_LIMIT = 3_000_000;

/**
 * Multinomial logistic regression over every FAQ of a small or medium knowledge base:
 * one dense weight per (feature, FAQ), softmax over all FAQs.
 *
 * The re-ranking classifier (classifier.ts) only ever compares an FAQ with the few
 * candidates the lexical search found, and gives an FAQ weights only on its own features.
 * This model sees every FAQ at once and learns negative weights too ("天气" speaks against
 * the alarm FAQs), so its probability is absolute: spread thin over many FAQs when a
 * question resembles none of them, which is what out-of-scope questions look like. On the
 * evaluation sets (docs/knowledge-retrieval.md) combining both raised top-1 accuracy and
 * out-of-scope recall together; neither model alone did as well. Dense weights and dense
 * training cost grow with the number of FAQs, so only bases within WHOLE_BASE_WEIGHT_LIMIT
 * and WHOLE_BASE_WORK_LIMIT get one; larger ones rank with the re-ranker alone.
 *
 * Hand-written rather than a library: it is ~100 lines of SGD over the hashed features the
 * rest of the engine already computes, and no maintained npm package trains sparse-input
 * softmax regression on a CPU without native code or a model download.
 */
export class WholeBaseClassifier {
  /** Feature hash → row of the weight matrix. */
  private readonly rows = new Map<number, number>();
  /** FAQ number → column; FAQs added after training have none. */
  private readonly columns = new Map<number, number>();
  private readonly faqOfColumn: number[] = [];
  private readonly weights: Float32Array;
  private readonly bias: Float64Array;

  /** Trains a classifier on the examples. */
  static train(examples: readonly WholeBaseExample[], options: WholeBaseOptions): WholeBaseClassifier {
    return finish(WholeBaseClassifier.training(examples, options));
  }

  /** train() as work that yields between slices (cooperative.ts). */
  static *training(examples: readonly WholeBaseExample[], options: WholeBaseOptions): Work<WholeBaseClassifier> {
    const model = new WholeBaseClassifier(examples, options);
    yield* model.fitting(examples);
    return model;
  }

  private constructor(
    examples: readonly WholeBaseExample[],
    private readonly options: WholeBaseOptions,
  ) {
    for (const example of examples) {
      if (!this.columns.has(example.faq)) {
        this.columns.set(example.faq, this.faqOfColumn.length);
        this.faqOfColumn.push(example.faq);
      }
      for (const hash of example.features.hashes) if (!this.rows.has(hash)) this.rows.set(hash, this.rows.size);
    }
    this.weights = new Float32Array(this.rows.size * this.faqOfColumn.length);
    this.bias = new Float64Array(this.faqOfColumn.length);
  }

  /** Whether a base of this size gets a whole-base classifier, at most `weightLimit` weights. */
  static fits(base: { vocabularySize: number; questionCount: number; faqCount: number }, weightLimit: number): boolean {
    const { vocabularySize, questionCount, faqCount } = base;
    return faqCount >= 2 && vocabularySize * faqCount <= weightLimit && questionCount * faqCount <= WHOLE_BASE_WORK_LIMIT;
  }

  /** Probability of every FAQ the model was trained on. */
  rank(features: FeatureVector): WholeBaseRanking {
    return new WholeBaseRanking(this.softmax(this.rowsOf(features), features.value), this.columns, this.faqOfColumn);
  }

  private *fitting(examples: readonly WholeBaseExample[]): Work<void> {
    const { epochs, learningRate, l2, seed } = this.options;
    const prepared = examples.map((example) => ({
      rows: this.rowsOf(example.features),
      value: example.features.value,
      column: this.columns.get(example.faq) as number,
    }));
    const width = this.faqOfColumn.length;
    const random = seededRandom(seed);
    const order = prepared.map((_, i) => i);
    const active = new Int32Array(width);
    const gradients = new Float64Array(width);
    const steps = Math.max(1, epochs * prepared.length);
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, random);
      for (let at = 0; at < order.length; at++) {
        if (at % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) yield;
        const example = prepared[order[at] as number] as (typeof prepared)[number];
        const rate = learningRate * (1 - step / steps) + 1e-3;
        step += 1;
        const p = this.softmax(example.rows, example.value);
        // Only FAQs with a gradient worth a write: after a few passes most FAQs get ~0
        // probability for a question, and skipping them makes training several times faster.
        let activeCount = 0;
        for (let c = 0; c < width; c++) {
          const g = (p[c] as number) - (c === example.column ? 1 : 0);
          if (Math.abs(g) < 1e-4) continue;
          active[activeCount] = c;
          gradients[activeCount] = g;
          activeCount += 1;
        }
        for (const row of example.rows) {
          const base = row * width;
          for (let a = 0; a < activeCount; a++) {
            const at = base + (active[a] as number);
            const weight = this.weights[at] as number;
            this.weights[at] = weight - rate * ((gradients[a] as number) * example.value + l2 * weight);
          }
        }
        // The bias learns slowly: FAQs with more questions should not win on count alone.
        for (let a = 0; a < activeCount; a++) {
          const c = active[a] as number;
          this.bias[c] = (this.bias[c] as number) - 0.1 * rate * (gradients[a] as number);
        }
      }
    }
  }

  private rowsOf(features: FeatureVector): Int32Array {
    const rows: number[] = [];
    for (const hash of features.hashes) {
      const row = this.rows.get(hash);
      if (row !== undefined) rows.push(row);
    }
    return Int32Array.from(rows);
  }

  private softmax(rows: Int32Array, value: number): Float64Array {
    const width = this.faqOfColumn.length;
    const logits = Float64Array.from(this.bias);
    for (const row of rows) {
      const base = row * width;
      for (let c = 0; c < width; c++) logits[c] = (logits[c] as number) + (this.weights[base + c] as number) * value;
    }
    let max = -Infinity;
    for (const logit of logits) if (logit > max) max = logit;
    let total = 0;
    for (let c = 0; c < width; c++) {
      const e = Math.exp((logits[c] as number) - max);
      logits[c] = e;
      total += e;
    }
    for (let c = 0; c < width; c++) logits[c] = (logits[c] as number) / total;
    return logits;
  }
}

/** The whole-base probabilities for one query. */
export class WholeBaseRanking {
  constructor(
    private readonly probabilities: Float64Array,
    private readonly columns: ReadonlyMap<number, number>,
    private readonly faqOfColumn: readonly number[],
  ) {}

  /** The FAQ's probability, or undefined for an FAQ added since the model was trained. */
  probabilityOf(faq: number): number | undefined {
    const column = this.columns.get(faq);
    return column === undefined ? undefined : this.probabilities[column];
  }

  /** The `limit` most probable FAQs for which `keep` holds, best first. */
  best(limit: number, keep: (faq: number) => boolean): number[] {
    const order = [...this.probabilities.keys()].sort((a, b) => (this.probabilities[b] as number) - (this.probabilities[a] as number));
    const chosen: number[] = [];
    for (const column of order) {
      if (chosen.length >= limit) break;
      const faq = this.faqOfColumn[column] as number;
      if (keep(faq)) chosen.push(faq);
    }
    return chosen;
  }
}
