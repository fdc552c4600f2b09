import { describe, expect, it } from 'vitest';
import { FaqIndex, normalizeText, Segmenter } from '../../src/modules/knowledge/retrieval/index.js';

describe('traditional → simplified folding', () => {
  it('folds traditional characters and leaves simplified and English text alone', () => {
    expect(normalizeText('請問這個軟體怎麼退貨？')).toBe('请问这个软体怎么退货');
    expect(normalizeText('请问怎么退货')).toBe('请问怎么退货');
    expect(normalizeText('How do I return it?')).toBe('how do i return it');
  });

  it('lets a question in traditional characters find an FAQ written in simplified ones, and back', () => {
    const index = FaqIndex.build([
      { id: 'return', question: '怎么退货', similarQuestions: ['我要退货', '退货流程是什么'] },
      { id: 'refund', question: '怎么退款', similarQuestions: ['我要退款', '退款多久到账'] },
      { id: 'exchange', question: '怎么换货', similarQuestions: ['我要换货', '換貨要多久'] },
    ]);
    // Folded, the traditional question is the simplified one: same hits, same confidence.
    expect(index.search('我要退貨', 3)).toEqual(index.search('我要退货', 3));
    expect(index.search('我要退貨', 1)[0]?.id).toBe('return');
    expect(index.search('换货要多久', 1)[0]?.id).toBe('exchange');
    expect(index.search('换货要多久', 3)).toEqual(index.search('換貨要多久', 3));
  });
});

describe('sub-words of long Chinese words', () => {
  it('adds the dictionary words inside a compound jieba keeps whole', () => {
    const segmenter = new Segmenter();
    expect(segmenter.cut('今天天气怎么样')).toContain('今天天气');
    const analysis = segmenter.analyze('今天天气怎么样');
    expect(analysis.subWords).toEqual(expect.arrayContaining(['今天', '天气']));
    expect(analysis.words).toContain('天气');
    // Two-character words and English have none.
    expect(segmenter.analyze('天气 weather forecast').subWords).toEqual([]);
  });

  it('does not split user-dictionary terms into sub-words', () => {
    expect(new Segmenter(['汇流商城']).analyze('汇流商城怎么退货').subWords).not.toContain('商城');
  });
});
