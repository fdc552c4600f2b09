export { FaqIndex, type FaqIndexOptions } from './faq-index.js';
export { DEFAULT_THRESHOLDS } from './decision.js';
export { Segmenter, type TextAnalysis } from './segmenter.js';
export { normalizeText } from './normalize.js';
export type { Decision, DecisionKind, DecisionThresholds, FaqEntry, SearchHit } from './types.js';
