import { describe, expect, it } from 'vitest';
import { markdownToPlainText, parseInline, parseMarkdown, safeUrl } from '../src/markdown.js';

describe('answer Markdown', () => {
  it('parses bold, emphasis, code, links, images and bare URLs into a tree', () => {
    expect(parseInline('打开 **我的订单 → 申请售后**，详见 [退货政策](/help/demo)。')).toEqual([
      { type: 'text', text: '打开 ' },
      { type: 'strong', children: [{ type: 'text', text: '我的订单 → 申请售后' }] },
      { type: 'text', text: '，详见 ' },
      { type: 'link', href: '/help/demo', children: [{ type: 'text', text: '退货政策' }] },
      { type: 'text', text: '。' },
    ]);
    expect(parseInline('*注意* `SKU-1` ![图](https://x.test/a.png) 见 https://shop.test/faq.')).toEqual([
      { type: 'em', children: [{ type: 'text', text: '注意' }] },
      { type: 'text', text: ' ' },
      { type: 'code', text: 'SKU-1' },
      { type: 'text', text: ' ' },
      { type: 'image', src: 'https://x.test/a.png', alt: '图' },
      { type: 'text', text: ' 见 ' },
      { type: 'link', href: 'https://shop.test/faq', children: [{ type: 'text', text: 'https://shop.test/faq' }] },
      { type: 'text', text: '.' },
    ]);
  });

  it('never makes a link or image of a script, data or protocol-relative URL', () => {
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,x', '//evil.test/x', 'vbscript:x']) {
      expect(safeUrl(url)).toBeNull();
      const nodes = parseInline(`[点我](${url}) ![x](${url})`);
      expect(JSON.stringify(nodes)).not.toContain('"href"');
      expect(JSON.stringify(nodes)).not.toContain('"src"');
    }
    expect(parseInline('<img src=x onerror=alert(1)>')).toEqual([{ type: 'text', text: '<img src=x onerror=alert(1)>' }]);
  });

  it('splits paragraphs, line breaks and lists', () => {
    expect(parseMarkdown('第一行\n第二行\n\n- 甲\n- 乙\n1. 一\n2. 二')).toEqual([
      { type: 'paragraph', lines: [[{ type: 'text', text: '第一行' }], [{ type: 'text', text: '第二行' }]] },
      { type: 'list', ordered: false, items: [[{ type: 'text', text: '甲' }], [{ type: 'text', text: '乙' }]] },
      { type: 'list', ordered: true, items: [[{ type: 'text', text: '一' }], [{ type: 'text', text: '二' }]] },
    ]);
  });

  it('turns an answer into plain text, with relative links made absolute', () => {
    const absolute = (url: string) => (url.startsWith('/') ? `https://help.test${url}` : url);
    expect(markdownToPlainText('打开 **我的订单**，详见 [退货政策](/help/demo)。\n\n- 甲\n- 乙', absolute)).toBe(
      '打开 我的订单，详见 退货政策（https://help.test/help/demo）。\n\n• 甲\n• 乙',
    );
    expect(markdownToPlainText('见 https://shop.test/faq')).toBe('见 https://shop.test/faq');
    expect(markdownToPlainText('单价 * 数量 = 总价')).toBe('单价 * 数量 = 总价');
  });
});
