import { describe, expect, it } from 'vitest';
import { extractFeatures } from '../../src/modules/knowledge/retrieval/features.js';
import { FaqIndex } from '../../src/modules/knowledge/retrieval/index.js';
import { Segmenter } from '../../src/modules/knowledge/retrieval/segmenter.js';
import { DEFAULT_WHOLE_BASE_OPTIONS, WholeBaseClassifier } from '../../src/modules/knowledge/retrieval/whole-base-classifier.js';
import { CUSTOMER_SERVICE_FAQ } from './customer-service-faq.js';

const segmenter = new Segmenter();
const featuresOf = (text: string) => extractFeatures(segmenter.analyze(text));

/** FAQ numbers are positions in CUSTOMER_SERVICE_FAQ, as a FaqModel numbers them. */
function trained(): WholeBaseClassifier {
  const examples = CUSTOMER_SERVICE_FAQ.flatMap((entry, faq) =>
    [entry.question, ...entry.similarQuestions].map((text) => ({ features: featuresOf(text), faq })),
  );
  return WholeBaseClassifier.train(examples, { ...DEFAULT_WHOLE_BASE_OPTIONS, seed: 1 });
}

const faqNumber = (id: string): number => CUSTOMER_SERVICE_FAQ.findIndex((entry) => entry.id === id);

describe('WholeBaseClassifier', () => {
  const model = trained();

  it.each([
    ['退货要怎么弄', 'return'],
    ['退款还没到账', 'refund'],
    ['我的包裹到哪里了', 'tracking'],
  ])('puts the right FAQ first for %s', (query, id) => {
    expect(model.rank(featuresOf(query)).best(1, () => true)).toEqual([faqNumber(id)]);
  });

  it('gives a probability over every FAQ it was trained on, summing to one', () => {
    const ranking = model.rank(featuresOf('退货'));
    const total = CUSTOMER_SERVICE_FAQ.reduce((sum, _, faq) => sum + (ranking.probabilityOf(faq) as number), 0);
    expect(total).toBeCloseTo(1, 6);
  });

  it('is sure of a question like its FAQs and unsure of one like none of them', () => {
    const best = (text: string): number => {
      const ranking = model.rank(featuresOf(text));
      return ranking.probabilityOf(ranking.best(1, () => true)[0] as number) as number;
    };
    expect(best('退款多久能到账')).toBeGreaterThan(0.5);
    expect(best('明天上海股市行情如何')).toBeLessThan(best('退款多久能到账') / 2);
  });

  it('knows nothing of an FAQ added after training, and leaves out what `keep` rejects', () => {
    const ranking = model.rank(featuresOf('退款'));
    expect(ranking.probabilityOf(CUSTOMER_SERVICE_FAQ.length)).toBeUndefined();
    expect(ranking.best(3, (faq) => faq !== faqNumber('refund'))).not.toContain(faqNumber('refund'));
    expect(ranking.best(3, () => true)).toHaveLength(3);
  });
});

describe('FaqIndex with and without a whole-base classifier', () => {
  it('ranks with the re-ranker alone when the base is too large for one', () => {
    const index = FaqIndex.build(CUSTOMER_SERVICE_FAQ, { wholeBaseWeightLimit: 0 });
    expect(index.search('我想退货', 1)[0]?.id).toBe('return');
    expect(index.calibration.weights).toHaveLength(7);
  });

  it('finds an FAQ added after training at once, though the whole-base classifier has no column for it', () => {
    const index = FaqIndex.build(CUSTOMER_SERVICE_FAQ);
    index.upsert({ id: 'gift-wrap', question: '可以帮忙包装成礼物吗', similarQuestions: ['礼品包装怎么选', '送人的话能包装一下吗'] });
    expect(index.search('能做礼品包装吗', 1)[0]?.id).toBe('gift-wrap');
    index.retrain();
    expect(index.search('能做礼品包装吗', 1)[0]?.id).toBe('gift-wrap');
  });

  it('suggests nothing for a message that shares no word or character with the base', () => {
    const index = FaqIndex.build(CUSTOMER_SERVICE_FAQ);
    expect(index.search('龘靐齉 zzxq', 5)).toEqual([]);
    expect(index.decide('龘靐齉 zzxq')).toEqual({ kind: 'handoff', candidates: [] });
  });

  it('hands off an unrelated question the knowledge base cannot answer', () => {
    const index = FaqIndex.build(CUSTOMER_SERVICE_FAQ);
    expect(index.decide('明天上海股市行情如何').kind).toBe('handoff');
    expect(index.decide('退款多久能到账').kind).not.toBe('handoff');
  });
});
