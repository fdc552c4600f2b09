import { BotSettings } from '@huiliu/contracts';
import { describe, expect, it } from 'vitest';
import { smallTalkKind, smallTalkReply } from '../src/modules/bot/small-talk.js';

describe('small talk', () => {
  it.each([
    ['你好', 'greeting'],
    ['您好！', 'greeting'],
    ['在吗', 'greeting'],
    ['在吗？？', 'greeting'],
    ['你好，在吗', 'greeting'],
    ['hello', 'greeting'],
    ['Hi there!', 'greeting'],
    ['谢谢', 'thanks'],
    ['好的，谢谢啦', 'thanks'],
    ['Thank you very much', 'thanks'],
    ['好的', 'ack'],
    ['嗯嗯', 'ack'],
    ['OK', 'ack'],
    ['👌', 'ack'],
    ['哈哈', 'ack'],
  ] as const)('%s is %s', (text, kind) => {
    expect(smallTalkKind(text)).toBe(kind);
  });

  it.each(['你好，退款多久能到账', '在吗？我的快递到哪了', 'hello, where is my parcel', 'history', '好评返现吗', '早点发货', '转人工', ''])(
    '%s is not small talk',
    (text) => {
      expect(smallTalkKind(text)).toBeNull();
    },
  );

  it('replies from the inbox’s settings, in the customer’s language', () => {
    const settings = BotSettings.parse({});
    expect(smallTalkReply(settings, 'thanks', 'zh')).toBe('不客气！还有其他问题随时问我。');
    expect(smallTalkReply(settings, 'thanks', 'en')).toBe('You are welcome! Ask me anything else any time.');
    const custom = BotSettings.parse({
      smallTalk: { greeting: { zh: '您好呀', en: 'Hi!' }, thanks: { zh: '不用谢', en: 'Any time' }, ack: { zh: '嗯', en: 'OK' } },
    });
    expect(smallTalkReply(custom, 'greeting', 'en')).toBe('Hi!');
  });
});
