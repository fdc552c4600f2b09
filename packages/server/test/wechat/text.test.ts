import { describe, expect, it } from 'vitest';
import { markdownToPlainText, wechatTextOf } from '../../src/channels/wechat/text.js';

describe('bot answers as WeChat plain text', () => {
  it('drops Markdown syntax and keeps links with their address', () => {
    const answer = [
      '## 退货流程',
      '',
      '签收后 **7 天内** 可申请*无理由*退货，运费见 [退货政策](https://shop.example.com/returns)。',
      '',
      '1. 打开 `我的订单`',
      '2. 点击“申请售后”',
      '',
      '- 质量问题：运费由我们承担',
      '- 其他：https://shop.example.com/help',
      '',
      '> 提示：请保留包装',
      '',
      '![示意图](https://shop.example.com/a.png)',
    ].join('\n');
    expect(markdownToPlainText(answer)).toBe(
      [
        '退货流程',
        '',
        '签收后 7 天内 可申请无理由退货，运费见 退货政策 (https://shop.example.com/returns)。',
        '',
        '1. 打开 我的订单',
        '2. 点击“申请售后”',
        '',
        '- 质量问题：运费由我们承担',
        '- 其他：https://shop.example.com/help',
        '',
        '> 提示：请保留包装',
        '',
        '示意图 https://shop.example.com/a.png',
      ].join('\n'),
    );
  });

  it('writes a link whose words are its address once, and leaves plain text alone', () => {
    expect(markdownToPlainText('见 [https://a.example/x](https://a.example/x)')).toBe('见 https://a.example/x');
    expect(markdownToPlainText('现货商品 16:00 前付款当天发货。')).toBe('现货商品 16:00 前付款当天发货。');
    expect(markdownToPlainText('第一行\n第二行')).toBe('第一行\n第二行');
  });

  it('flattens only what the bot wrote; an agent’s words go as typed, options as numbered lines', () => {
    const payload = { options: [{ label: '查物流' }, { label: '退货' }] } as never;
    expect(wechatTextOf({ senderType: 'bot', text: '您是想问 **哪一个**？', payload })).toBe('您是想问 哪一个？\n1. 查物流\n2. 退货');
    expect(wechatTextOf({ senderType: 'agent', text: '价格是 2*3=6 元 **', payload: null })).toBe('价格是 2*3=6 元 **');
  });
});
