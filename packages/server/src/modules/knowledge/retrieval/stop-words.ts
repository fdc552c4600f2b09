/**
 * Function words that carry no topic. They are left out of BM25 (where they only add noise to
 * the score) but kept for the classifier, which learns for itself how much "how" or "我的" tell
 * apart two FAQs.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but if of to in on at by for with about from into over as is are was were be been ' +
    'being am do does did doing have has had having i me my mine myself we us our you your yours he him ' +
    'his she her it its they them their this that these those there here so than too very just also ' +
    'please pls plz can could would should will shall may might must any some ' +
    'hi hello hey thanks thank ok okay'
  ).split(' '),
);

export const CHINESE_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    '的 了 吗 呢 吧 啊 呀 哦 嗯 么 嘛 着 过 地 得 之 请 请问 麻烦 一下 我 我们 你 你们 您 他 她 它 是 ' +
    '在 和 与 及 或 这 那 这个 那个 就 都 也 还 又 给 把 被 让 啦 哈 喂 你好 您好 谢谢'
  ).split(' '),
);

export function isStopWord(token: string): boolean {
  return ENGLISH_STOP_WORDS.has(token) || CHINESE_STOP_WORDS.has(token);
}
