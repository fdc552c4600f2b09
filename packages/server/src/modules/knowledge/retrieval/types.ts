/** One FAQ as the retrieval engine sees it. */
export interface FaqEntry {
  readonly id: string;
  /** The standard question (标准问). */
  readonly question: string;
  /** Other ways customers ask the same thing (相似问). */
  readonly similarQuestions: readonly string[];
  /** Brand, product or service names that segmentation must keep whole (e.g. 汇流手环9). */
  readonly terms?: readonly string[];
}

export interface SearchHit {
  readonly id: string;
  /** Classifier probability among the candidates considered (sums to ≤ 1 over all hits). */
  readonly score: number;
  /** Calibrated probability (0–1) that this FAQ is the right answer, if it were given. */
  readonly confidence: number;
}

export type DecisionKind = 'answer' | 'clarify' | 'handoff';

/**
 * What the bot should do with a customer's message.
 * - `answer`: candidates[0] is the answer; the rest may be shown as related questions.
 * - `clarify`: candidates are the "did you mean" choices (1–maxChoices, best first).
 * - `handoff`: hand over to a human; candidates (possibly empty) are suggestions for the agent.
 */
export interface Decision {
  readonly kind: DecisionKind;
  readonly candidates: readonly SearchHit[];
}

export interface DecisionThresholds {
  /** Answer directly when the top confidence is at least this. */
  readonly answer: number;
  /** Between `clarify` and `answer`, offer choices; below `clarify`, hand off. */
  readonly clarify: number;
  /** Most choices offered when clarifying. */
  readonly maxChoices: number;
  /** A lower-ranked FAQ is offered as a choice only if its score is at least this share of the top score. */
  readonly minChoiceShare: number;
}
