import pg from 'pg';
import { searchTextOf } from '../../packages/server/src/modules/tickets/search.js';

/** mulberry32: a small seeded generator, so every run builds the same tickets. */
export function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** Skewed towards the first entries (a few products and problems are most of the volume). */
  const pick = <T>(items: readonly T[], skew = 1.6) => items[Math.floor(next() ** skew * items.length)]!;
  return { next, pick, int: (max: number) => Math.floor(next() * max) };
}

export const ZH = {
  products: [
    '无线耳机',
    '充电器',
    '手机',
    '扫地机器人',
    '智能手表',
    '路由器',
    '笔记本电脑',
    '平板电脑',
    '蓝牙音箱',
    '空气净化器',
    '电饭煲',
    '洗衣机',
    '冰箱',
    '空调',
    '电视',
    '显示器',
    '键盘',
    '鼠标',
    '移动电源',
    '数据线',
    '摄像头',
    '智能门锁',
    '净水器',
    '电动牙刷',
    '吹风机',
    '咖啡机',
    '投影仪',
    '打印机',
    '体重秤',
    '加湿器',
  ],
  problems: [
    '无法开机',
    '屏幕碎裂',
    '充电很慢',
    '无法充电',
    '连接不上网络',
    '蓝牙配对失败',
    '有异响',
    '漏水',
    '发热严重',
    '自动关机',
    '按键失灵',
    '显示异常',
    '电池鼓包',
    '无法激活',
    '固件升级失败',
    '噪音很大',
    '遥控器失灵',
    '配件缺失',
    '外观划痕',
    '包装破损',
  ],
  requests: [
    '申请退款',
    '申请退货',
    '申请换货',
    '开具发票',
    '重开发票',
    '催促发货',
    '修改收货地址',
    '取消订单',
    '预约安装',
    '预约维修',
    '查询物流',
    '保修咨询',
    '价格保护',
    '优惠券无法使用',
    '会员积分未到账',
    '账号无法登录',
    '支付失败',
    '重复扣款',
    '快递丢件',
    '物流延迟',
  ],
  cities: ['北京市', '上海市', '杭州市', '深圳市', '广州市', '成都市', '武汉市', '南京市', '西安市', '重庆市', '苏州市', '天津市'],
  remedies: ['更换主板', '寄回检测', '远程升级固件', '补发配件', '上门维修', '全额退款', '部分退款补偿', '重新发货'],
};

export const EN = {
  products: [
    'wireless earbuds',
    'charger',
    'phone',
    'robot vacuum',
    'smart watch',
    'router',
    'laptop',
    'tablet',
    'bluetooth speaker',
    'air purifier',
    'rice cooker',
    'washing machine',
    'fridge',
    'air conditioner',
    'television',
    'monitor',
    'keyboard',
    'mouse',
    'power bank',
    'cable',
    'camera',
    'door lock',
    'water filter',
    'toothbrush',
    'hair dryer',
    'coffee machine',
    'projector',
    'printer',
  ],
  problems: [
    'will not turn on',
    'has a cracked screen',
    'charges slowly',
    'is not charging',
    'cannot connect to wifi',
    'fails to pair',
    'makes a rattling noise',
    'is leaking water',
    'overheats',
    'shuts down randomly',
    'buttons stopped responding',
    'display flickers',
    'battery is swelling',
    'activation fails',
    'firmware update failed',
    'is very noisy',
    'arrived scratched',
    'box was damaged',
  ],
  requests: [
    'refund request',
    'return request',
    'exchange request',
    'invoice needed',
    'invoice reissue',
    'shipping delayed',
    'change delivery address',
    'cancel order',
    'installation appointment',
    'repair appointment',
    'tracking update',
    'warranty question',
    'price protection',
    'coupon not working',
    'loyalty points missing',
    'cannot log in',
    'payment failed',
    'charged twice',
    'parcel lost',
    'late delivery',
  ],
  remedies: [
    'replace the mainboard',
    'send it back for testing',
    'push a firmware fix',
    'ship the missing parts',
    'book an engineer visit',
    'refund in full',
    'offer a partial refund',
    'reship the order',
  ],
};

function zhSubject(r: ReturnType<typeof seeded>): string {
  const p = r.pick(ZH.products);
  switch (r.int(5)) {
    case 0:
      return `${p}${r.pick(ZH.problems)}`;
    case 1:
      return `${p}${r.pick(ZH.problems)}，${r.pick(ZH.requests)}`;
    case 2:
      return `${r.pick(ZH.requests)}：${p}`;
    case 3:
      return `${r.pick(ZH.cities)}客户${r.pick(ZH.requests)}，${p}${r.pick(ZH.problems)}`;
    default:
      return `【${r.pick(ZH.requests)}】购买的${p}${r.pick(ZH.problems)}`;
  }
}

function enSubject(r: ReturnType<typeof seeded>): string {
  const p = r.pick(EN.products);
  switch (r.int(3)) {
    case 0:
      return `My ${p} ${r.pick(EN.problems)}`;
    case 1:
      return `${r.pick(EN.requests)}: ${p} ${r.pick(EN.problems)}`;
    default:
      return `${r.pick(EN.requests)} for order with ${p}`;
  }
}

function zhComment(r: ReturnType<typeof seeded>): string {
  const p = r.pick(ZH.products);
  switch (r.int(7)) {
    case 0:
      return `您好，我购买的${p}${r.pick(ZH.problems)}，希望${r.pick(ZH.requests)}。`;
    case 1:
      return `已联系仓库核实，${p}将于${1 + r.int(7)}个工作日内处理完毕，请耐心等待。`;
    case 2:
      return `客户来电催促，情绪比较激动，请尽快处理。${r.pick(ZH.requests)}。`;
    case 3:
      return `请提供购买凭证和${p}的照片，我们会尽快为您${r.pick(ZH.requests)}。`;
    case 4:
      return `二线已确认是${r.pick(ZH.problems)}，建议${r.pick(ZH.remedies)}。`;
    case 5:
      return `快递单号 SF${1_000_000_000 + r.int(8_999_999_999)} 已发出，请注意查收。`;
    default:
      return `客户在${r.pick(ZH.cities)}，需要上门${r.pick(['安装', '维修', '检测'])}，${p}${r.pick(ZH.problems)}。`;
  }
}

function enComment(r: ReturnType<typeof seeded>): string {
  const p = r.pick(EN.products);
  switch (r.int(4)) {
    case 0:
      return `Hello, the ${p} I bought ${r.pick(EN.problems)}. ${r.pick(EN.requests)}, please.`;
    case 1:
      return `Checked with the warehouse: we will ${r.pick(EN.remedies)} within ${1 + r.int(7)} working days.`;
    case 2:
      return `Tier 2 confirmed the ${p} ${r.pick(EN.problems)}; suggest we ${r.pick(EN.remedies)}.`;
    default:
      return `Tracking number SF${1_000_000_000 + r.int(8_999_999_999)} has shipped, the customer was told.`;
  }
}

export interface Pools {
  subjects: { text: string; words: string }[];
  comments: { words: string }[];
}

/**
 * Distinct subjects and thread entries, cut into words by the app's own segmenter
 * (`searchTextOf`, as the create and comment commands do). Tickets are composed from them in
 * SQL, so a million tickets need only these few thousand segmentations.
 */
export function buildPools(seed: number, sizes = { subjects: 20_000, comments: 40_000 }): Pools {
  const r = seeded(seed);
  const subjects = Array.from({ length: sizes.subjects }, () => {
    const text = r.next() < 0.7 ? zhSubject(r) : enSubject(r);
    return { text, words: searchTextOf(text) };
  });
  const comments = Array.from({ length: sizes.comments }, () => ({ words: searchTextOf(r.next() < 0.7 ? zhComment(r) : enComment(r)) }));
  return { subjects, comments };
}

export interface Seeded {
  workspaceId: string;
  userId: string;
  agentIds: string[];
  teamIds: string[];
}

const AGENTS = 200;
const TEAMS = 10;
const CUSTOMERS = 50_000;

/**
 * One workspace with `tickets` tickets over two years (row order is creation order, as an
 * append-only table is): recent ones mostly new/open/pending, old ones mostly closed; 200
 * agents in 10 teams, 10% unassigned; an order number custom field (`order_no`) on each.
 * The search text is what the app builds: subject words, field words, then each thread entry's
 * words appended (`create-ticket.ts`, `history.ts`). Indexes are dropped during the load and
 * re-created from their own definitions afterwards, which is how a bulk load is done.
 */
export async function seedTickets(url: string, count: number, seed: number, log: (line: string) => void): Promise<Seeded> {
  // The SQL below writes `b<digits>` for the field value: check that this is the app's cut.
  if (searchTextOf('B1000001') !== 'b1000001') throw new Error(`the segmenter cuts order numbers differently: ${searchTextOf('B1000001')}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = Date.now();
    const pools = buildPools(seed);
    log(`  segmented ${pools.subjects.length + pools.comments.length} texts in ${Date.now() - started} ms`);
    await client.query(`SET maintenance_work_mem = '512MB'`);
    const { rows: ws } = await client.query(`INSERT INTO workspaces (name, slug) VALUES ('工单搜索压测', $1) RETURNING id`, [
      `bench-search-${seed}-${Date.now()}`,
    ]);
    const workspaceId: string = ws[0].id;
    const { rows: teams } = await client.query(
      `INSERT INTO teams (workspace_id, name) SELECT $1, '售后' || g || '组' FROM generate_series(1, $2) g RETURNING id`,
      [workspaceId, TEAMS],
    );
    const { rows: agents } = await client.query(
      `INSERT INTO users (email, name, password_hash)
       SELECT 'search-bench-' || g || '-' || $2 || '@example.test', '坐席' || g, 'unused' FROM generate_series(1, $1) g RETURNING id`,
      [AGENTS + 1, workspaceId.slice(0, 8)],
    );
    const userId: string = agents.pop()!.id;
    const agentIds: string[] = agents.map((row) => row.id);
    const teamIds: string[] = teams.map((row) => row.id);
    await client.query(`INSERT INTO memberships (workspace_id, user_id, role) SELECT $1, unnest($2::uuid[]), 'agent'`, [
      workspaceId,
      agentIds,
    ]);
    await client.query(`INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, 'supervisor')`, [workspaceId, userId]);
    await client.query(
      `INSERT INTO team_members (workspace_id, team_id, user_id) SELECT $1, ($2::uuid[])[(1 + (i - 1) % $3)::int], u FROM unnest($4::uuid[]) WITH ORDINALITY AS a(u, i)`,
      [workspaceId, teamIds, TEAMS, agentIds],
    );
    await client.query(`CREATE UNLOGGED TABLE bench_customers (i int, id uuid)`);
    await client.query(
      `WITH c AS (INSERT INTO customers (workspace_id, name) SELECT $1, '客户' || g FROM generate_series(1, ${CUSTOMERS}) g RETURNING id)
       INSERT INTO bench_customers SELECT row_number() OVER () - 1, id FROM c`,
      [workspaceId],
    );
    await client.query(`CREATE UNLOGGED TABLE bench_subjects (i int PRIMARY KEY, subject text, words text)`);
    await client.query(`INSERT INTO bench_subjects SELECT i - 1, s, w FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS a(s, w, i)`, [
      pools.subjects.map((s) => s.text),
      pools.subjects.map((s) => s.words),
    ]);
    await client.query(`CREATE UNLOGGED TABLE bench_comments (i int PRIMARY KEY, words text)`);
    await client.query(`INSERT INTO bench_comments SELECT i - 1, w FROM unnest($1::text[]) WITH ORDINALITY AS a(w, i)`, [
      pools.comments.map((c) => c.words),
    ]);
    await client.query(
      `CREATE UNLOGGED TABLE bench_agents AS SELECT i - 1 AS i, u AS id, t AS team_id
       FROM unnest($1::uuid[]) WITH ORDINALITY AS a(u, i), LATERAL (SELECT ($2::uuid[])[(1 + (i - 1) % ${TEAMS})::int] AS t) t`,
      [agentIds, teamIds],
    );
    await client.query(
      `CREATE INDEX ON bench_customers (i); CREATE INDEX ON bench_agents (i); ANALYZE bench_customers, bench_subjects, bench_comments, bench_agents`,
    );

    // Bulk load: no secondary index or foreign-key trigger per row; indexes re-created below.
    const { rows: indexes } = await client.query(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
       WHERE i.indrelid = 'tickets'::regclass AND NOT i.indisprimary`,
    );
    for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
    await client.query(`SET session_replication_role = replica`);
    const chunk = 100_000;
    for (let lo = 1; lo <= count; lo += chunk) {
      const hi = Math.min(count, lo + chunk - 1);
      // r(k): 31 uniform bits per ticket and purpose from the seeded hash.
      await client.query(
        `WITH g AS (
           SELECT g, (hashint8extended(g * 16 + 0, $3) & 2147483647) / 2147483648.0 AS age_r,
                  (hashint8extended(g * 16 + 1, $3) & 2147483647) / 2147483648.0 AS st_r,
                  hashint8extended(g * 16 + 2, $3) & 2147483647 AS r2, hashint8extended(g * 16 + 3, $3) & 2147483647 AS r3,
                  hashint8extended(g * 16 + 4, $3) & 2147483647 AS r4, hashint8extended(g * 16 + 5, $3) & 2147483647 AS r5,
                  hashint8extended(g * 16 + 6, $3) & 2147483647 AS r6, hashint8extended(g * 16 + 7, $3) & 2147483647 AS r7,
                  hashint8extended(g * 16 + 8, $3) & 2147483647 AS r8
           FROM generate_series($1::bigint, $2::bigint) g
         ), t AS (
           SELECT g.*, now() - make_interval(secs => ($4::bigint - g) * (63072000.0 / $4::bigint)) AS created,
             CASE WHEN g > $4 * 0.97 THEN
                    (ARRAY['new','open','open','open','pending','pending','on_hold','solved','solved','open'])[1 + (r2 % 10)::int]
                  WHEN g > $4 * 0.9 THEN CASE WHEN st_r < 0.5 THEN 'solved' WHEN st_r < 0.9 THEN 'closed' WHEN st_r < 0.95 THEN 'open' ELSE 'pending' END
                  ELSE CASE WHEN st_r < 0.92 THEN 'closed' WHEN st_r < 0.98 THEN 'solved' WHEN st_r < 0.99 THEN 'open' ELSE 'on_hold' END
             END AS status
           FROM g
         )
         INSERT INTO tickets (workspace_id, number, subject, status, priority, type, requester_id, assignee_id, team_id, tags,
                              source_channel, fields, search_text, created_at, updated_at, solved_at, closed_at)
         SELECT $5, 10000 + t.g, s.subject, t.status,
           (ARRAY['normal','normal','normal','normal','normal','normal','high','high','low','urgent'])[1 + (t.r3 % 10)::int],
           (ARRAY['question','question','question','question','question','incident','incident','problem','task','task'])[1 + (t.r3 / 10 % 10)::int],
           c.id, CASE WHEN t.status = 'new' OR t.r4 % 10 = 0 THEN NULL ELSE a.id END, a.team_id,
           CASE WHEN t.r5 % 4 = 0 THEN ARRAY['退款'] WHEN t.r5 % 4 = 1 THEN ARRAY['vip'] ELSE '{}' END,
           (ARRAY['widget','widget','widget','email','email','wechat','api','sms'])[1 + (t.r5 / 4 % 8)::int],
           jsonb_build_object('order_no', 'B' || (1000000 + t.g)),
           concat_ws(' ', s.words, 'b' || (1000000 + t.g), c1.words, CASE WHEN t.r8 % 3 > 0 THEN c2.words END, CASE WHEN t.r8 % 3 > 1 THEN c3.words END),
           t.created, t.created + interval '1 hour',
           CASE WHEN t.status IN ('solved', 'closed') THEN t.created + interval '1 day' END,
           CASE WHEN t.status = 'closed' THEN t.created + interval '5 days' END
         FROM t
         JOIN bench_subjects s ON s.i = (t.r6 % ${pools.subjects.length})
         JOIN bench_customers c ON c.i = (t.r7 % ${CUSTOMERS})
         JOIN bench_agents a ON a.i = (t.r4 / 10 % ${AGENTS})
         JOIN bench_comments c1 ON c1.i = (t.r2 / 10 % ${pools.comments.length})
         JOIN bench_comments c2 ON c2.i = (t.r5 / 32 % ${pools.comments.length})
         JOIN bench_comments c3 ON c3.i = (t.r8 / 3 % ${pools.comments.length})`,
        [lo, hi, seed, count, workspaceId],
      );
      log(`  tickets ${hi.toLocaleString('en')} / ${count.toLocaleString('en')} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    await client.query(`SET session_replication_role = DEFAULT`);
    await client.query(`INSERT INTO ticket_counters (workspace_id, last_number) VALUES ($1, $2)`, [workspaceId, 10000 + count]);
    for (const index of indexes) {
      const at = Date.now();
      await client.query(index.def);
      log(`  index ${index.name}: ${Math.round((Date.now() - at) / 1000)} s`);
    }
    await client.query(`DROP TABLE bench_customers, bench_subjects, bench_comments, bench_agents`);
    await client.query(`VACUUM ANALYZE tickets`);
    log(`  loaded in ${Math.round((Date.now() - started) / 1000)} s`);
    return { workspaceId, userId, agentIds, teamIds };
  } finally {
    await client.end();
  }
}
