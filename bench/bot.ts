/**
 * Speed of the knowledge-base retrieval engine on a large synthetic base: index build time
 * and p50/p99 search latency over 20,000 FAQs (Chinese, English and mixed), beside plain
 * BM25 (MiniSearch defaults, see bot-eval.ts) measured in the same run on the same data.
 *
 * `node --import tsx bench/bot.ts`, or run() from a bench runner.
 * The base is generated deterministically (no data files), so runs compare.
 */
import { pathToFileURL } from 'node:url';
import { FaqIndex } from '../packages/server/src/modules/knowledge/retrieval/faq-index.js';
import { seededRandom } from '../packages/server/src/modules/knowledge/retrieval/random.js';
import type { FaqEntry } from '../packages/server/src/modules/knowledge/retrieval/types.js';
import { PlainBm25Baseline } from './bot-eval.js';

const FAQ_COUNT = 20_000;
const QUERY_COUNT = 2_000;
const WARM_UP_QUERIES = 200;

const BRANDS = ['汇流', '小米', '华为', '海尔', '美的', '格力', '联想', '荣耀', 'OPPO', 'vivo'];
const CATEGORIES_ZH = [
  '手环',
  '手机',
  '耳机',
  '平板',
  '电视',
  '冰箱',
  '空调',
  '洗衣机',
  '扫地机器人',
  '路由器',
  '笔记本',
  '手表',
  '音箱',
  '净水器',
  '吹风机',
];
const CATEGORIES_EN = [
  'band',
  'phone',
  'earbuds',
  'tablet',
  'tv',
  'fridge',
  'air conditioner',
  'washer',
  'robot vacuum',
  'router',
  'laptop',
  'watch',
  'speaker',
  'water purifier',
  'hair dryer',
];
const MODELS_PER_KIND = 7;

/** Each topic: Chinese phrasings, then English phrasings; `{p}` is the product. */
const TOPICS: ReadonlyArray<{ zh: string[]; en: string[] }> = [
  {
    zh: ['{p}怎么退货', '{p}可以七天无理由退货吗', '买的{p}不想要了怎么退', '{p}退货流程是什么'],
    en: ['how do i return my {p}', 'can i return the {p} within 7 days', 'return policy for {p}', 'i want to send back my {p}'],
  },
  {
    zh: ['{p}退款多久到账', '{p}的退款什么时候退回', '退了{p}钱还没到', '{p}退款进度查询'],
    en: [
      'when will i get my refund for the {p}',
      'how long does a {p} refund take',
      '{p} refund not received yet',
      'check refund status for {p}',
    ],
  },
  {
    zh: ['{p}可以换货吗', '{p}有问题想换一个新的', '{p}换货怎么申请', '{p}换个颜色可以吗'],
    en: ['can i exchange my {p}', 'exchange a faulty {p}', 'how to request an exchange for {p}', 'swap my {p} for another color'],
  },
  {
    zh: ['{p}什么时候发货', '{p}下单后多久发货', '{p}还没发货怎么回事', '{p}几天能发出'],
    en: ['when will my {p} ship', 'how soon does the {p} ship after ordering', 'my {p} has not shipped yet', 'shipping time for {p}'],
  },
  {
    zh: ['{p}物流到哪了', '查一下{p}的快递', '{p}的快递单号是多少', '{p}物流信息怎么查'],
    en: ['where is my {p} delivery', 'track my {p} order', 'tracking number for my {p}', 'how do i track the {p} package'],
  },
  {
    zh: ['{p}怎么开发票', '{p}能开增值税专用发票吗', '{p}的电子发票在哪下载', '买{p}要发票'],
    en: [
      'how do i get an invoice for my {p}',
      'can i get a vat invoice for the {p}',
      'download the {p} invoice',
      'i need a receipt for the {p}',
    ],
  },
  {
    zh: ['{p}保修多久', '{p}的保修期是几年', '{p}过保了还能修吗', '{p}保修范围包括什么'],
    en: ['how long is the {p} warranty', 'what does the {p} warranty cover', 'is my {p} still under warranty', '{p} warranty period'],
  },
  {
    zh: ['{p}坏了怎么修', '{p}维修点在哪里', '{p}送修要多久', '{p}维修收费吗'],
    en: [
      'my {p} is broken how do i get it repaired',
      'where can i repair my {p}',
      'how long does {p} repair take',
      'does {p} repair cost money',
    ],
  },
  {
    zh: ['{p}包安装吗', '{p}安装要收费吗', '预约{p}上门安装', '{p}自己怎么安装'],
    en: [
      'is installation included with the {p}',
      'book installation for my {p}',
      'does {p} installation cost extra',
      'how do i install the {p} myself',
    ],
  },
  {
    zh: ['{p}说明书在哪', '{p}怎么使用', '{p}第一次怎么设置', '{p}使用教程'],
    en: ['where is the {p} manual', 'how do i use the {p}', 'first time setup for {p}', '{p} user guide'],
  },
  {
    zh: ['{p}充不进电', '{p}充电要多久', '{p}电池不耐用', '{p}用什么充电器'],
    en: ['my {p} will not charge', 'how long does the {p} take to charge', '{p} battery drains fast', 'which charger works with the {p}'],
  },
  {
    zh: ['{p}怎么连接蓝牙', '{p}连不上手机', '{p}配对失败', '{p}蓝牙断开怎么办'],
    en: ['how do i pair my {p} with bluetooth', 'my {p} will not connect to my phone', '{p} pairing failed', '{p} keeps disconnecting'],
  },
  {
    zh: ['{p}多少钱', '{p}现在什么价格', '{p}会降价吗', '{p}有没有优惠'],
    en: ['how much is the {p}', 'current price of the {p}', 'will the {p} go on sale', 'any discount on the {p}'],
  },
  {
    zh: ['{p}能用优惠券吗', '{p}优惠券怎么领', '{p}优惠券用不了', '买{p}怎么叠加优惠'],
    en: [
      'can i use a coupon on the {p}',
      'where do i get a {p} coupon',
      'my coupon does not work on the {p}',
      'stack discounts for the {p}',
    ],
  },
  {
    zh: ['买{p}送积分吗', '{p}积分怎么兑换', '{p}会员有折扣吗', '买{p}积分什么时候到账'],
    en: ['do i earn points buying the {p}', 'redeem points for a {p}', 'member discount on the {p}', 'when are {p} reward points credited'],
  },
  {
    zh: ['{p}订单怎么改地址', '{p}收货地址填错了', '修改{p}的配送地址', '{p}能改成送到公司吗'],
    en: [
      'change the delivery address for my {p}',
      'wrong shipping address on my {p} order',
      'update address for {p} order',
      'deliver my {p} to my office instead',
    ],
  },
  {
    zh: ['{p}订单怎么取消', '不想要{p}了能取消订单吗', '{p}取消订单会扣钱吗', '{p}已付款怎么取消'],
    en: [
      'how do i cancel my {p} order',
      'cancel the {p} i just bought',
      'is there a fee to cancel the {p} order',
      'cancel a paid {p} order',
    ],
  },
  {
    zh: ['{p}支持分期吗', '{p}可以用花呗吗', '{p}支付方式有哪些', '{p}能货到付款吗'],
    en: [
      'can i pay for the {p} in installments',
      'payment options for the {p}',
      'can i pay cash on delivery for the {p}',
      'does the {p} accept credit cards',
    ],
  },
  {
    zh: ['{p}售后电话是多少', '{p}客服怎么联系', '{p}人工客服', '{p}投诉找谁'],
    en: [
      'what is the {p} support number',
      'contact customer service about my {p}',
      'talk to a person about my {p}',
      'complain about my {p}',
    ],
  },
  {
    zh: ['{p}配件在哪买', '{p}原装充电线多少钱', '{p}有没有保护套', '{p}替换零件'],
    en: ['where can i buy {p} accessories', 'price of an original {p} cable', 'is there a case for the {p}', 'replacement parts for {p}'],
  },
];

interface Product {
  readonly zh: string;
  readonly en: string;
}

function products(): Product[] {
  const list: Product[] = [];
  for (let model = 1; model <= MODELS_PER_KIND; model++) {
    for (const brand of BRANDS) {
      CATEGORIES_ZH.forEach((category, i) => {
        list.push({ zh: `${brand}${category}${model}`, en: `${brand} ${CATEGORIES_EN[i]} ${model}` });
      });
    }
  }
  return list;
}

/**
 * 20,000 FAQs = products × topics, a third each in Chinese, English and mixed (Chinese
 * question, English product name); standard question + 2–3 similar questions each, the
 * product name as a knowledge term. Queries are the knowledge base's own questions as a
 * customer would type them — with a greeting, a typo (one character dropped) or both —
 * and a tenth are out of scope.
 */
export function syntheticKnowledgeBase(count = FAQ_COUNT): { entries: FaqEntry[]; queries: string[]; expected: Array<string | null> } {
  const random = seededRandom(2024);
  const catalog = products();
  const entries: FaqEntry[] = [];
  for (let i = 0; i < count; i++) {
    const product = catalog[i % catalog.length] as Product;
    const topic = TOPICS[Math.floor(i / catalog.length) % TOPICS.length] as { zh: string[]; en: string[] };
    const language = i % 3;
    const templates = language === 1 ? topic.en : topic.zh;
    const name = language === 0 ? product.zh : product.en;
    const questions = templates.map((template) => template.replaceAll('{p}', name));
    const similar = questions.slice(1, random() < 0.5 ? 3 : 4);
    entries.push({ id: `faq-${i}`, question: questions[0] as string, similarQuestions: similar, terms: [name] });
  }
  const outOfScope = ['今天天气怎么样', 'what is the capital of france', '给我讲个笑话', 'play some jazz music', '附近有什么好吃的'];
  const greetings = ['你好，', '请问', '在吗？', 'hi, ', 'hello, '];
  const queries: string[] = [];
  const expected: Array<string | null> = [];
  for (let q = 0; q < QUERY_COUNT + WARM_UP_QUERIES; q++) {
    if (q % 10 === 9) {
      queries.push(outOfScope[q % outOfScope.length] as string);
      expected.push(null);
      continue;
    }
    const entry = entries[Math.floor(random() * entries.length)] as FaqEntry;
    const asked = [entry.question, ...entry.similarQuestions];
    let text = asked[Math.floor(random() * asked.length)] as string;
    const change = random();
    if (change < 0.6) {
      const at = Math.floor(random() * text.length);
      text = text.slice(0, at) + text.slice(at + 1);
    }
    if (change > 0.3) text = `${greetings[Math.floor(random() * greetings.length)]}${text}`;
    queries.push(text);
    expected.push(entry.id);
  }
  return { entries, queries, expected };
}

interface Timing {
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly build_ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function measure(build: () => (text: string) => unknown, queries: readonly string[]): Timing {
  const started = performance.now();
  const search = build();
  const buildMs = performance.now() - started;
  for (const query of queries.slice(0, WARM_UP_QUERIES)) search(query);
  const times: number[] = [];
  for (const query of queries.slice(WARM_UP_QUERIES)) {
    const t = performance.now();
    search(query);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const round = (x: number): number => Number(x.toFixed(3));
  return { p50_ms: round(percentile(times, 50)), p99_ms: round(percentile(times, 99)), build_ms: Math.round(buildMs) };
}

/**
 * Builds the base cooperatively (as the server does) while a timer asks for a turn every
 * 10 ms: the longest wait between two turns is how long the event loop — every chat on the
 * node — was held up. A plain build() holds it for its whole duration.
 */
async function cooperativeBuild(entries: readonly FaqEntry[]): Promise<{ build_ms: number; max_stall_ms: number }> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  const started = performance.now();
  await FaqIndex.buildCooperatively(entries);
  const buildMs = performance.now() - started;
  clearInterval(ticker);
  longest = Math.max(longest, performance.now() - last);
  return { build_ms: Math.round(buildMs), max_stall_ms: Math.round(longest) };
}

export async function run(): Promise<
  { bench: 'bot'; faqs: number } & Timing & { cooperative: { build_ms: number; max_stall_ms: number }; baseline: Timing; ratio: number }
> {
  const { entries, queries } = syntheticKnowledgeBase();
  const questions = entries.reduce((sum, entry) => sum + 1 + entry.similarQuestions.length, 0);
  console.log(`bot: FAQ search over a synthetic base of ${entries.length} FAQs (${questions} questions), ${QUERY_COUNT} timed queries`);

  let index: FaqIndex | undefined;
  const ours = measure(() => {
    index = FaqIndex.build(entries);
    const built = index;
    return (text) => built.search(text, 5);
  }, queries);
  const plain = measure(() => {
    const baseline = new PlainBm25Baseline(entries, { calibrate: false });
    return (text) => baseline.searchHits(text, 5);
  }, queries);

  // An edit must be searchable at once: time one upsert on the full base.
  const edit = {
    id: 'faq-new',
    question: '汇流商城的汇流手环9可以用数字人民币付款吗',
    similarQuestions: ['can i pay for the 汇流手环9 with e-cny'],
    terms: ['汇流商城', '汇流手环9'],
  };
  const upsertStarted = performance.now();
  index?.upsert(edit);
  const upsertMs = performance.now() - upsertStarted;
  const found = index?.search('汇流手环9能用数字人民币付款吗', 1)[0]?.id === 'faq-new';

  const cooperative = await cooperativeBuild(entries);

  const ratio = Number((ours.p99_ms / plain.p99_ms).toFixed(2));
  const memoryMb = Math.round(process.memoryUsage().rss / 1e6);
  console.log(`${'system'.padEnd(12)}${'build'.padStart(10)}${'p50'.padStart(10)}${'p99'.padStart(10)}`);
  for (const [name, t] of [
    ['huiliu', ours],
    ['plain-bm25', plain],
  ] as const) {
    console.log(
      `${name.padEnd(12)}${`${(t.build_ms / 1000).toFixed(1)}s`.padStart(10)}${`${t.p50_ms.toFixed(2)}ms`.padStart(10)}${`${t.p99_ms.toFixed(2)}ms`.padStart(10)}`,
    );
  }
  console.log(`upsert on the full base: ${upsertMs.toFixed(1)} ms, found by the next search: ${found}; process RSS ${memoryMb} MB`);
  console.log(
    `cooperative build (as the server builds): ${(cooperative.build_ms / 1000).toFixed(1)}s, longest event-loop stall ${cooperative.max_stall_ms} ms (plain build(): the whole build)`,
  );
  console.log('plain-bm25 = MiniSearch defaults (no segmentation, no learning); ratio = p99 ÷ plain p99');
  const result = { bench: 'bot' as const, faqs: entries.length, ...ours, cooperative, baseline: plain, ratio };
  console.log(JSON.stringify(result));
  return result;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
