import { describe, expect, it } from 'vitest';
import { FaqIndex, normalizeText, Segmenter } from '../../src/modules/knowledge/retrieval/index.js';
import { stemEnglish } from '../../src/modules/knowledge/retrieval/stemmer.js';

describe('normalizeText', () => {
  it('folds full-width characters, case and Chinese punctuation', () => {
    expect(normalizeText('ＨＥＬＬＯ，世界！【汇流】「测试」１２３')).toBe('hello 世界 汇流 测试 123');
  });

  it('expands English contractions', () => {
    expect(normalizeText("What's my order? I can't find it")).toBe('what is my order i can not find it');
  });
});

describe('Segmenter', () => {
  const text = '我在汇流商城买的汇流手环9怎么退货';

  it('keeps user-dictionary terms whole', () => {
    const tokens = new Segmenter(['汇流商城', '汇流手环9']).cut(text);
    expect(tokens).toContain('汇流商城');
    expect(tokens).toContain('汇流手环9');
    expect(tokens).toContain('退货');
  });

  it('splits the same names without the dictionary (so the dictionary is what keeps them)', () => {
    const tokens = new Segmenter().cut(text);
    expect(tokens).not.toContain('汇流商城');
    expect(tokens).not.toContain('汇流手环9');
  });

  it('matches Latin terms only on word boundaries and across spaces', () => {
    const segmenter = new Segmenter(['iPhone 15 Pro', 'pro']);
    expect(segmenter.cut('我的iPhone 15 Pro屏幕碎了')).toContain('iphone 15 pro');
    expect(segmenter.cut('a professional product')).not.toContain('pro');
  });

  it('reports the terms a text names', () => {
    expect(new Segmenter(['汇流手环9']).analyze('汇流手环9续航怎么样').terms).toEqual(['汇流手环9']);
  });

  it('produces character n-grams that survive a typo', () => {
    const segmenter = new Segmenter();
    const right = new Set(segmenter.analyze('refund').charGrams);
    const typo = segmenter.analyze('refnud').charGrams;
    expect(typo.some((gram) => right.has(gram))).toBe(true);
  });

  it('stems English words so that inflections meet', () => {
    expect(new Set(['refunds', 'refunded', 'refunding', 'refund'].map(stemEnglish)).size).toBe(1);
    expect(stemEnglish('cancelled')).toBe(stemEnglish('cancel'));
  });
});

describe('FaqIndex user dictionary', () => {
  it('builds the dictionary from entry terms and drops a term when its last holder goes', () => {
    const index = FaqIndex.build([
      { id: 'a', question: '汇流手环9怎么充电', similarQuestions: ['汇流手环9充电多久'], terms: ['汇流手环9'] },
      { id: 'b', question: '怎么退货', similarQuestions: ['退货流程'] },
    ]);
    expect(index.segment('我的汇流手环9坏了')).toContain('汇流手环9');
    index.remove('a');
    expect(index.segment('我的汇流手环9坏了')).not.toContain('汇流手环9');
  });

  it('takes workspace-wide terms from the options', () => {
    const index = FaqIndex.build([{ id: 'a', question: '怎么退货', similarQuestions: [] }], { terms: ['汇流商城'] });
    expect(index.segment('汇流商城怎么退货')).toContain('汇流商城');
  });
});
