import type { BotSettings } from '@huiliu/contracts';
import { normalizeText } from '../knowledge/retrieval/index.js';

export type SmallTalkKind = 'greeting' | 'thanks' | 'ack';

/**
 * Phrases that are small talk on their own. A message is small talk only when it is made of
 * nothing else (with modal particles, emoji and punctuation around them): "你好，在吗" is a
 * greeting, "你好，退款多久到账" is a question and goes to the knowledge base.
 */
const PHRASES: Record<SmallTalkKind, readonly string[]> = {
  greeting: [
    '你好',
    '您好',
    '你们好',
    '大家好',
    '在吗',
    '在不在',
    '在么',
    '有人吗',
    '有人在吗',
    '客服在吗',
    '请问在吗',
    '哈喽',
    '哈罗',
    '嗨',
    '早上好',
    '上午好',
    '中午好',
    '下午好',
    '晚上好',
    '早安',
    '早',
    'hello',
    'hi',
    'hey',
    'hiya',
    'hello there',
    'hi there',
    'good morning',
    'good afternoon',
    'good evening',
    'anyone there',
    'anybody there',
    'are you there',
    'is anyone there',
  ],
  thanks: [
    '谢谢',
    '谢谢你',
    '谢谢您',
    '多谢',
    '感谢',
    '非常感谢',
    '太感谢了',
    '谢啦',
    '谢了',
    '辛苦了',
    '麻烦了',
    'thanks',
    'thank you',
    'thx',
    'ty',
    'many thanks',
    'thanks a lot',
    'thank you very much',
    'thank you so much',
    'cheers',
  ],
  ack: [
    '好的',
    '好',
    '好滴',
    '好嘞',
    '好吧',
    '嗯',
    '嗯嗯',
    '哦',
    '哦哦',
    '噢',
    '知道了',
    '明白了',
    '明白',
    '了解',
    '了解了',
    '收到',
    '行',
    '可以',
    '没问题',
    '懂了',
    'ok',
    'okay',
    'k',
    'kk',
    'got it',
    'i see',
    'alright',
    'all right',
    'fine',
    'sure',
    'great',
    'cool',
  ],
};

// Longest first, so "谢谢你" is read whole before "谢谢".
const ORDERED = (Object.entries(PHRASES) as [SmallTalkKind, readonly string[]][])
  .flatMap(([kind, phrases]) => phrases.map((phrase) => ({ kind, phrase })))
  .sort((a, b) => b.phrase.length - a.phrase.length);

/** Particles and fillers that carry no request: 啊 呀 呢 吧 哈 啦 嘛 哟 呐 喔, and "so", "very much" leftovers. */
const FILLER = /^(\s+|[啊呀呢吧哈啦嘛哟呐喔哇~～]+|\p{Extended_Pictographic}+|\ufe0f|\u200d)/u;
const LATIN = /[a-z0-9]/;

/** Longer than this is never small talk: a paragraph that starts with 你好 is a question. */
const MAX_LENGTH = 40;

/** The kind of small talk a message is, or null when it says anything else. */
export function smallTalkKind(text: string): SmallTalkKind | null {
  // Emoji survive normalisation's punctuation folding; strip them on the raw text first.
  let rest = normalizeText(text.replace(/\p{Extended_Pictographic}|\ufe0f|\u200d/gu, ' '));
  if (!rest && /\p{Extended_Pictographic}/u.test(text)) return 'ack';
  if (!rest || rest.length > MAX_LENGTH) return null;
  const found = new Set<SmallTalkKind>();
  while (rest) {
    const match = ORDERED.find(({ phrase }) => {
      if (!rest.startsWith(phrase)) return false;
      // A Latin phrase must end at a word boundary: "hi" is not the start of "history".
      return !LATIN.test(phrase.at(-1)!) || !LATIN.test(rest.charAt(phrase.length));
    });
    if (match) {
      found.add(match.kind);
      rest = rest.slice(match.phrase.length);
      continue;
    }
    const filler = FILLER.exec(rest);
    if (!filler) return null;
    rest = rest.slice(filler[0].length);
  }
  // "好的谢谢" thanks; "你好在吗" greets; a bare particle ("嗯") acknowledges.
  if (found.has('thanks')) return 'thanks';
  if (found.has('greeting')) return 'greeting';
  return 'ack';
}

/** The inbox's reply to that small talk, in the customer's language. */
export function smallTalkReply(settings: BotSettings, kind: SmallTalkKind, language: 'zh' | 'en'): string {
  return settings.smallTalk[kind][language];
}
