import { describe, expect, it, vi } from 'vitest';
import { WorkspaceKnowledge } from '../../src/modules/knowledge/live-index.js';
import type { kbFaqs } from '../../src/modules/knowledge/schema.js';
import { FaqIndex, type FaqEntry } from '../../src/modules/knowledge/retrieval/index.js';
import { CUSTOMER_SERVICE_FAQ } from './customer-service-faq.js';

const QUERIES = ['我想退货', '退款怎么还没到', '快递到哪了', 'how to cancel the order', '能开发票吗'];

/** What a base answers to a few queries, confidences included: equal snapshots mean equal models. */
const answers = (index: FaqIndex) => QUERIES.map((query) => index.search(query, 3));

describe('building a knowledge base a slice at a time', () => {
  it('gives exactly the index build() gives, while the event loop keeps running', async () => {
    let turns = 0;
    const ticker = setInterval(() => (turns += 1), 0);
    const cooperative = await FaqIndex.buildCooperatively(CUSTOMER_SERVICE_FAQ, {}, { sliceMs: 0 });
    clearInterval(ticker);
    expect(turns).toBeGreaterThan(0);
    expect(answers(cooperative as FaqIndex)).toEqual(answers(FaqIndex.build(CUSTOMER_SERVICE_FAQ)));
  });

  it('stops when asked, and rejects bad entries as build() throws', async () => {
    expect(await FaqIndex.buildCooperatively(CUSTOMER_SERVICE_FAQ, {}, { sliceMs: 0, shouldStop: () => true })).toBeUndefined();
    await expect(FaqIndex.buildCooperatively([{ id: '', question: 'x', similarQuestions: [] }])).rejects.toThrow(RangeError);
  });

  it('rebuilds an edited base into what retrain() makes of it, leaving the original answering', async () => {
    const extra: FaqEntry = { id: 'gift-wrap', question: '可以帮忙包装成礼物吗', similarQuestions: ['礼品包装怎么选'] };
    const edited = FaqIndex.build(CUSTOMER_SERVICE_FAQ);
    edited.upsert(extra);
    const rebuilt = (await edited.rebuildCooperatively({ sliceMs: 0 })) as FaqIndex;
    expect(edited.pendingEdits).toBe(1);
    expect(rebuilt.pendingEdits).toBe(0);
    edited.retrain();
    expect(answers(rebuilt)).toEqual(answers(edited));
  });
});

type FaqRow = typeof kbFaqs.$inferSelect;

function rowOf(entry: FaqEntry): FaqRow {
  const at = new Date();
  return {
    id: entry.id,
    workspaceId: 'w',
    question: entry.question,
    similarQuestions: [...entry.similarQuestions],
    answer: '…',
    categoryId: null,
    terms: [],
    enabled: true,
    validFrom: null,
    validTo: null,
    createdAt: at,
    updatedAt: at,
  };
}

async function retrained(knowledge: WorkspaceKnowledge): Promise<void> {
  for (let i = 0; i < 500 && knowledge.index.pendingEdits > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    await knowledge.retrainSettled();
  }
}

describe('WorkspaceKnowledge background retrain', () => {
  it('swaps in a freshly trained index once edits stop, answering from the old one meanwhile', async () => {
    const knowledge = new WorkspaceKnowledge(FaqIndex.build(CUSTOMER_SERVICE_FAQ), { afterIdleMs: 5 });
    CUSTOMER_SERVICE_FAQ.forEach((entry) => knowledge.faqs.set(entry.id, rowOf(entry)));
    const before = knowledge.index;
    knowledge.apply([rowOf({ id: 'gift-wrap', question: '可以帮忙包装成礼物吗', similarQuestions: ['礼品包装怎么选'] })], []);
    expect(knowledge.search('能做礼品包装吗', 1)[0]?.faq.id).toBe('gift-wrap');
    await retrained(knowledge);
    expect(knowledge.index).not.toBe(before);
    expect(knowledge.index.pendingEdits).toBe(0);
    expect(knowledge.search('能做礼品包装吗', 1)[0]?.faq.id).toBe('gift-wrap');
    knowledge.dispose();
  });

  it('keeps the answering index and reports the error when a background rebuild fails', async () => {
    const errors: unknown[] = [];
    const knowledge = new WorkspaceKnowledge(FaqIndex.build(CUSTOMER_SERVICE_FAQ), { afterIdleMs: 0, onError: (e) => errors.push(e) });
    const before = knowledge.index;
    const rebuild = vi.spyOn(FaqIndex.prototype, 'rebuildCooperatively').mockRejectedValue(new Error('out of memory'));
    knowledge.apply([rowOf({ id: 'gift-wrap', question: '可以帮忙包装成礼物吗', similarQuestions: ['礼品包装怎么选'] })], []);
    while (errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    rebuild.mockRestore();
    expect((errors[0] as Error).message).toBe('out of memory');
    expect(knowledge.index).toBe(before);
    expect(knowledge.search('能做礼品包装吗', 1)[0]?.faq.id).toBe('gift-wrap');
    knowledge.dispose();
  });

  it('drops a retrain that an edit overtook and trains again with that edit in', async () => {
    // sliceMs 0: the retrain yields at every step, so the second edit lands in its middle.
    const knowledge = new WorkspaceKnowledge(FaqIndex.build(CUSTOMER_SERVICE_FAQ), { afterIdleMs: 0, sliceMs: 0 });
    const rebuild = vi.spyOn(FaqIndex.prototype, 'rebuildCooperatively');
    knowledge.apply([rowOf({ id: 'gift-wrap', question: '可以帮忙包装成礼物吗', similarQuestions: ['礼品包装怎么选'] })], []);
    while (rebuild.mock.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    knowledge.apply([rowOf({ id: 'pet-policy', question: '可以带宠物进店吗', similarQuestions: ['宠物能进来吗'] })], ['return']);
    await retrained(knowledge);
    const results = await Promise.all(rebuild.mock.results.map((result) => result.value as Promise<FaqIndex | undefined>));
    rebuild.mockRestore();
    expect(results).toHaveLength(2);
    expect(results[0]).toBeUndefined(); // overtaken by the second edit: stopped and dropped
    expect(results[1]).toBe(knowledge.index);
    expect(knowledge.index.pendingEdits).toBe(0);
    expect(knowledge.index.has('pet-policy')).toBe(true);
    expect(knowledge.index.has('gift-wrap')).toBe(true);
    expect(knowledge.index.has('return')).toBe(false);
    knowledge.dispose();
  });
});
