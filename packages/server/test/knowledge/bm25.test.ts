import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/modules/knowledge/retrieval/bm25.js';

function scores(index: Bm25Index, tokens: string[]): Map<number, number> {
  const hits = index.search(index.query(tokens));
  const result = new Map<number, number>();
  for (let i = 0; i < hits.count; i++) result.set(hits.docs[i] as number, hits.scores[hits.docs[i] as number] as number);
  index.release(hits);
  return result;
}

describe('Bm25Index', () => {
  it('ranks the document with the rarer matching term first', () => {
    const index = new Bm25Index();
    index.add(0, ['退货', '流程']);
    index.add(1, ['退款', '流程']);
    index.add(2, ['发票', '流程']);
    const result = scores(index, ['退货', '流程']);
    expect([...result.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]).toBe(0);
  });

  it('forgets a removed document and reuses its id', () => {
    const index = new Bm25Index();
    index.add(0, ['退货']);
    index.add(1, ['发票']);
    index.remove(0);
    expect(scores(index, ['退货']).size).toBe(0);
    index.add(0, ['物流']);
    expect([...scores(index, ['物流']).keys()]).toEqual([0]);
    expect(index.documentCount).toBe(2);
  });

  it('counts unknown query terms in the perfect score', () => {
    const index = new Bm25Index();
    index.add(0, ['退货']);
    const known = index.search(index.query(['退货']));
    index.release(known);
    const withUnknown = index.search(index.query(['退货', '火星']));
    index.release(withUnknown);
    expect(withUnknown.maxScore).toBeGreaterThan(known.maxScore);
  });

  it('scores chosen documents exactly as a search does', () => {
    const index = new Bm25Index();
    index.add(0, ['退货', '流程', '流程']);
    index.add(1, ['退款', '多久']);
    index.add(2, ['退货', '多久', '到账']);
    const query = index.query(['退货', '多久']);
    const searched = scores(index, ['退货', '多久']);
    const direct = new Float64Array(3);
    index.scoreDocuments(query, [0, 1, 2], direct);
    for (const doc of [0, 1, 2]) expect(direct[doc]).toBeCloseTo(searched.get(doc) ?? 0, 10);
  });
});
