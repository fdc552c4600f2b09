import { finish, ITEMS_PER_STEP, type Work } from './cooperative.js';
import { EVIDENCE_SIZE, type PackedCandidates } from './evidence.js';
import type { FeatureVector } from './features.js';
import { findFeature, type FaqFeatureStore } from './faq-features.js';
import { seededRandom, shuffleInPlace } from './random.js';

/** One training question: its features, the FAQs it competes among, and the right one. */
export interface TrainingExample {
  readonly features: FeatureVector;
  /** Candidate FAQs (the right one included) with evidence scored with the question left out. */
  readonly candidates: PackedCandidates;
  readonly label: number;
}

export interface ClassifierOptions {
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly seed: number;
}

export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = { epochs: 6, learningRate: 0.3, l2: 1e-4, seed: 7 };

/**
 * Multinomial logistic regression that re-ranks the lexical candidates of a query.
 *
 *   logit(faq) = w_faq · x + θ · evidence(faq),  softmax over the candidates only.
 *
 * Each FAQ has its own sparse weight vector w over hashed word / word-pair / character
 * n-gram features; θ, shared by all FAQs, learns how far to trust the evidence (lexical
 * match, naive Bayes, coverage, named terms), and is kept ≥ 0: more evidence for an FAQ
 * never counts against it.
 *
 * An FAQ's weights live only on the features of its own questions: a wrong candidate is
 * pushed down on features its own questions have already pushed up, never given negative
 * weights on foreign ones. That keeps the model as large as the knowledge base's own
 * (FAQ, feature) pairs — four times fewer weights on a 20,000-FAQ base, where negative
 * weights on foreign features took half a gigabyte — at the same accuracy on the
 * evaluation sets (better with 5–10 questions per FAQ, within noise with 100).
 *
 * Training examples are the knowledge base's own questions, each scored against the
 * candidates found with that question left out, so the model learns the confusions that
 * happen at query time. Restricting the softmax to the candidates keeps training linear in
 * the number of questions, with no dense classes × features matrix.
 */
export class CandidateClassifier {
  private readonly theta = new Float64Array(EVIDENCE_SIZE).fill(1);
  private readonly thetaGradientSums = new Float64Array(EVIDENCE_SIZE);

  /** The FAQs' weights live in their feature tables (faq-features.ts). */
  constructor(
    private readonly store: FaqFeatureStore,
    private readonly options: ClassifierOptions = DEFAULT_CLASSIFIER_OPTIONS,
  ) {}

  /** Forgets everything and learns from `examples` for `epochs` passes. */
  train(examples: readonly TrainingExample[], epochs = this.options.epochs): void {
    finish(this.training(examples, epochs));
  }

  /** train() as work that yields between slices (cooperative.ts). */
  *training(examples: readonly TrainingExample[], epochs = this.options.epochs): Work<void> {
    this.store.resetWeights();
    this.theta.fill(1);
    this.thetaGradientSums.fill(0);
    yield* this.fitting(examples, epochs, true);
  }

  /**
   * Cheap update after an edit: a few passes over the new or changed FAQ's own questions,
   * leaving the shared θ alone. The next full train() refines the rest.
   */
  trainIncrementally(examples: readonly TrainingExample[]): void {
    finish(this.fitting(examples, Math.max(2, Math.ceil(this.options.epochs / 2)), false));
  }

  /** Softmax probabilities of the candidates, in the order given. */
  probabilities(features: FeatureVector, candidates: PackedCandidates): Float64Array {
    const { faqs, evidence } = candidates;
    const logits = new Float64Array(faqs.length);
    for (let i = 0; i < faqs.length; i++) {
      let logit = this.dot(faqs[i] as number, features) * features.value;
      for (let k = 0; k < EVIDENCE_SIZE; k++) {
        logit += (this.theta[k] as number) * (evidence[i * EVIDENCE_SIZE + k] as number);
      }
      logits[i] = logit;
    }
    return softmaxInPlace(logits);
  }

  /** Σ of the FAQ's weights over the features it shares with x (others have no weight). */
  private dot(faq: number, features: FeatureVector): number {
    const table = this.store.table(faq);
    if (table === undefined) return 0;
    let sum = 0;
    for (const hash of features.hashes) {
      const at = findFeature(table, hash);
      if (at >= 0) sum += table.weights[at] as number;
    }
    return sum;
  }

  /**
   * One AdaGrad step on an FAQ's weights for the features it shares with x, all with the
   * same gradient (w.r.t. the logit, times the features' common value), with L2 shrinkage.
   */
  private step(faq: number, features: FeatureVector, gradient: number): void {
    const table = this.store.table(faq);
    if (table === undefined) return;
    const { learningRate, l2 } = this.options;
    const { weights, gradientSums } = table;
    for (const hash of features.hashes) {
      const at = findFeature(table, hash);
      if (at < 0) continue;
      const weight = weights[at] as number;
      // A wrong candidate (gradient > 0) is pushed down only where its own questions have
      // already pushed it up: features it has not learnt yet say nothing against it.
      if (gradient > 0 && weight === 0) continue;
      const g = gradient + l2 * weight;
      const sum = (gradientSums[at] as number) + g * g;
      gradientSums[at] = sum;
      weights[at] = weight - (learningRate * g) / Math.sqrt(sum + 1e-8);
    }
  }

  private *fitting(examples: readonly TrainingExample[], epochs: number, learnTheta: boolean): Work<void> {
    const { learningRate } = this.options;
    const random = seededRandom(this.options.seed);
    const order = examples.map((_, i) => i);
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, random);
      for (let at = 0; at < order.length; at++) {
        if (at % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) yield;
        const example = examples[order[at] as number] as TrainingExample;
        const { faqs, evidence } = example.candidates;
        const p = this.probabilities(example.features, example.candidates);
        for (let i = 0; i < faqs.length; i++) {
          const faq = faqs[i] as number;
          const g = (p[i] as number) - (faq === example.label ? 1 : 0);
          // A candidate the model already rules out contributes nothing worth a write.
          if (Math.abs(g) < 1e-3) continue;
          this.step(faq, example.features, g * example.features.value);
          if (!learnTheta) continue;
          for (let k = 0; k < EVIDENCE_SIZE; k++) {
            const gk = g * (evidence[i * EVIDENCE_SIZE + k] as number);
            const sum = (this.thetaGradientSums[k] as number) + gk * gk;
            this.thetaGradientSums[k] = sum;
            this.theta[k] = Math.max(0, (this.theta[k] as number) - (learningRate * gk) / Math.sqrt(sum + 1e-8));
          }
        }
      }
    }
  }
}

function softmaxInPlace(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const logit of logits) if (logit > max) max = logit;
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] as number) - max);
    logits[i] = e;
    total += e;
  }
  for (let i = 0; i < logits.length; i++) logits[i] = (logits[i] as number) / total;
  return logits;
}
