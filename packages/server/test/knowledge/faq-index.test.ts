import { beforeAll, describe, expect, it } from 'vitest';
import { FaqIndex, type FaqEntry } from '../../src/modules/knowledge/retrieval/index.js';
import { CUSTOMER_SERVICE_FAQ } from './customer-service-faq.js';

describe('FaqIndex on a Chinese customer-service knowledge base', () => {
  let index: FaqIndex;
  beforeAll(() => {
    index = FaqIndex.build(CUSTOMER_SERVICE_FAQ);
  });

  it.each([
    ['我想退货', 'return'],
    ['退款怎么还没到', 'refund'],
    ['我的快递到哪了', 'tracking'],
    ['发货太慢了什么时候发', 'shipping-time'],
    ['需要开个发票报销', 'invoice'],
    ['收货地址写错了', 'change-address'],
    ['能用支付宝吗', 'payment'],
    ['汇流手环9能用几天', 'band-battery'],
    ['汇流商城的会员怎么办理', 'mall-membership'],
  ])('finds the right FAQ for the Chinese query %s', (query, id) => {
    expect(index.search(query, 3)[0]?.id).toBe(id);
  });

  it.each([
    ['I want a refund', 'refund'],
    ['how to cancel the order', 'cancel-order'],
    ['Can I get an invoice for my company?', 'invoice'],
  ])('finds the right FAQ for the English query %s', (query, id) => {
    expect(index.search(query, 3)[0]?.id).toBe(id);
  });

  it('tolerates a typo through character n-grams', () => {
    expect(index.search('优惠卷用不了', 1)[0]?.id).toBe('coupon');
    expect(index.search('refnud status', 1)[0]?.id).toBe('refund');
  });

  it('answers a clear question directly', () => {
    const decision = index.decide('我的快递到哪了');
    expect(decision.kind).toBe('answer');
    expect(decision.candidates[0]?.id).toBe('tracking');
  });

  it.each(['今天天气怎么样', '推荐一部好看的电影', 'what is the capital of france', '你好'])(
    'hands off the out-of-scope question %s',
    (query) => {
      expect(index.decide(query).kind).toBe('handoff');
    },
  );

  it('asks back when two FAQs both fit', () => {
    const decision = index.decide('退货退款');
    expect(decision.kind).toBe('clarify');
    expect(decision.candidates.map((hit) => hit.id).sort()).toEqual(['refund', 'return']);
  });

  it('offers up to maxChoices choices, best first, in the middle confidence band', () => {
    const query = '积分能当钱用吗';
    const top = index.search(query, 1)[0];
    expect(top?.id).toBe('points');
    const confidence = top?.confidence ?? 0;
    const banded = FaqIndex.build(CUSTOMER_SERVICE_FAQ, {
      thresholds: { answer: Math.min(1, confidence + 0.01), clarify: Math.max(0, confidence - 0.01), maxChoices: 2, minChoiceShare: 0 },
    });
    const decision = banded.decide(query);
    expect(decision.kind).toBe('clarify');
    expect(decision.candidates).toHaveLength(2);
    expect(decision.candidates[0]?.id).toBe('points');
  });

  it('returns hits in decreasing score with confidences within 0–1', () => {
    const hits = index.search('退款多久到账', 5);
    expect(hits.length).toBeGreaterThan(1);
    for (let i = 1; i < hits.length; i++) expect(hits[i]?.score).toBeLessThanOrEqual(hits[i - 1]?.score ?? 1);
    for (const hit of hits) {
      expect(hit.confidence).toBeGreaterThanOrEqual(0);
      expect(hit.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('rejects thresholds out of order', () => {
    expect(() => FaqIndex.build(CUSTOMER_SERVICE_FAQ, { thresholds: { answer: 0.3, clarify: 0.6 } })).toThrow(RangeError);
  });
});

describe('FaqIndex edits', () => {
  const invoiceQuery = '发票抬头开错了能重开吗';

  it('finds an upserted FAQ at once, and forgets it once removed', () => {
    const index = FaqIndex.build(CUSTOMER_SERVICE_FAQ);
    const giftCard: FaqEntry = {
      id: 'gift-card',
      question: '礼品卡怎么激活？',
      similarQuestions: ['礼品卡激活码在哪里', '收到的礼品卡不能用', 'how do i activate a gift card'],
    };
    expect(index.search('礼品卡要怎么激活', 3).map((hit) => hit.id)).not.toContain('gift-card');
    index.upsert(giftCard);
    expect(index.search('礼品卡要怎么激活', 1)[0]?.id).toBe('gift-card');
    expect(index.search('activate my gift card', 1)[0]?.id).toBe('gift-card');
    expect(index.pendingEdits).toBe(1);

    expect(index.remove('gift-card')).toBe(true);
    expect(index.search('礼品卡要怎么激活', 5).map((hit) => hit.id)).not.toContain('gift-card');
    expect(index.remove('gift-card')).toBe(false);
  });

  it('searches an edited FAQ by its new questions, not its old ones', () => {
    const index = FaqIndex.build(CUSTOMER_SERVICE_FAQ);
    expect(index.search(invoiceQuery, 1)[0]?.id).toBe('invoice');
    index.upsert({ id: 'invoice', question: '怎么联系人工客服？', similarQuestions: ['我要找真人客服', '转人工'] });
    expect(index.search('我要真人客服', 1)[0]?.id).toBe('invoice');
    expect(index.search(invoiceQuery, 3).map((hit) => hit.id)).not.toContain('invoice');
  });

  it('makes a new product name a dictionary term on upsert', () => {
    const index = FaqIndex.build(CUSTOMER_SERVICE_FAQ);
    expect(index.segment('华为MateX6怎么退')).not.toContain('华为matex6');
    index.upsert({ id: 'matex6', question: '华为MateX6屏幕保修吗', similarQuestions: ['华为MateX6折痕保修'], terms: ['华为MateX6'] });
    expect(index.segment('华为MateX6怎么退')).toContain('华为matex6');
    expect(index.search('华为matex6的屏幕坏了保不保修', 1)[0]?.id).toBe('matex6');
  });

  it('replaces an FAQ whose terms changed without bringing its old questions back', () => {
    const index = FaqIndex.build([
      ...CUSTOMER_SERVICE_FAQ,
      { id: 'device', question: '汇流手环8充电器在哪买', similarQuestions: ['汇流手环8原装充电线'], terms: ['汇流手环8'] },
    ]);
    expect(index.search('汇流手环8充电线', 1)[0]?.id).toBe('device');
    // 汇流手环8 leaves the dictionary (its only holder changes) and 华为平板 enters it; the new
    // text shares no character with the old one, so only stale questions could still match.
    index.upsert({ id: 'device', question: '华为平板蓝牙连不上', similarQuestions: ['华为平板配对失败'], terms: ['华为平板'] });
    expect(index.search('华为平板连不上蓝牙', 1)[0]?.id).toBe('device');
    expect(index.search('汇流手环8充电线', 5).map((hit) => hit.id)).not.toContain('device');
    expect(index.segment('汇流手环8充电线')).not.toContain('汇流手环8');
  });

  it('retrains in full and clears pending edits', () => {
    const index = FaqIndex.build(CUSTOMER_SERVICE_FAQ);
    index.upsert({ id: 'gift-card', question: '礼品卡怎么激活？', similarQuestions: ['礼品卡激活码在哪里'] });
    index.retrain();
    expect(index.pendingEdits).toBe(0);
    expect(index.size).toBe(CUSTOMER_SERVICE_FAQ.length + 1);
    expect(index.search('礼品卡要怎么激活', 1)[0]?.id).toBe('gift-card');
  });

  it('rejects bad entries with a clear error', () => {
    const index = FaqIndex.build(CUSTOMER_SERVICE_FAQ);
    expect(() => index.upsert({ id: '', question: '问题', similarQuestions: [] })).toThrow(/id/);
    expect(() => index.upsert({ id: 'x', question: '  ？ ', similarQuestions: [] })).toThrow(/standard question/);
    expect(() => FaqIndex.build([...CUSTOMER_SERVICE_FAQ, CUSTOMER_SERVICE_FAQ[0] as FaqEntry])).toThrow(/duplicate/);
  });

  it('works on an empty knowledge base', () => {
    const index = FaqIndex.build([]);
    expect(index.search('怎么退货')).toEqual([]);
    expect(index.decide('怎么退货').kind).toBe('handoff');
  });
});
