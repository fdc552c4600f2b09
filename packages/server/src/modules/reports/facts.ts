import { SLA_METRICS, WAIT_EDGES } from '@huiliu/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { COUNTERS, type Counter } from './counters.js';

export const COUNTER_LIST = sql.join(
  COUNTERS.map((name) => sql.identifier(name)),
  sql`, `,
);

/*
 * The one definition of every fact the reports count (docs/metrics.md). Each part below reads
 * stored events — routing events, conversation event messages, messages, bot sessions, ticket
 * events, SLA clock timestamps, presence changes — and yields rows of
 *   (t, channel, inbox_id, team_id, agent_id, <counters>)
 * where t is the moment the fact completed (the answer, the reply, the resolution…). Rollups
 * sum these by hour; live reports sum them by bucket: the same SQL, so the two cannot disagree.
 */

type Values = Partial<Record<Counter, SQL>>;

interface Part {
  t: SQL;
  channel: SQL;
  inbox: SQL;
  team: SQL;
  agent: SQL;
  values: Values;
  from: SQL;
}

const part = (p: Part) => {
  const counters = sql.join(
    COUNTERS.map((name) => sql`(${p.values[name] ?? sql`0`})::float8 as ${sql.identifier(name)}`),
    sql`, `,
  );
  return sql`select ${p.t} as t, ${p.channel}::text as channel, ${p.inbox}::uuid as inbox_id, ${p.team}::uuid as team_id, ${p.agent}::uuid as agent_id, ${counters} ${p.from}`;
};

/** A text id as a uuid when it is one (sender ids of agents are; others yield null). */
const asUuid = (text: SQL) =>
  sql`(case when ${text} ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then (${text})::uuid end)`;
const ms = (interval: SQL) => sql`(extract(epoch from ${interval}) * 1000)`;

/** The conversation's team at a moment: its last queue entry or ownership change by then. */
const teamAt = (conversation: SQL, at: SQL) => sql`(select o.team_id from (
    select e.created_at as at, ${asUuid(sql`e.event->>'teamId'`)} as team_id, 1 as rank from messages e
      where e.conversation_id = ${conversation} and e.kind = 'event' and e.event ? 'teamId' and e.created_at <= ${at}
    union all
    select r.created_at, r.team_id, 0 from routing_events r
      where r.conversation_id = ${conversation} and r.type = 'queued' and r.created_at <= ${at}
  ) o order by o.at desc, o.rank desc limit 1)`;

/** An abandon also ends the conversation, but it resolved nothing. */
const notAbandon = sql`coalesce(m.event->>'abandoned', 'false') <> 'true'`;

const OWNERSHIP = sql`('assigned', 'unassigned', 'transferred', 'requeued')`;

/** The agent who held the conversation at a moment (its last ownership change by then). */
const agentAt = (conversation: SQL, at: SQL) => sql`(select ${asUuid(sql`e.event->>'assigneeId'`)} from messages e
    where e.conversation_id = ${conversation} and e.kind = 'event' and e.event->>'type' in ${OWNERSHIP} and e.created_at <= ${at}
    order by e.seq desc limit 1)`;

const within = (prefix: 'answered_within' | 'abandoned_within', wait: SQL): Values =>
  Object.fromEntries(WAIT_EDGES.map((edge) => [`${prefix}_${edge}`, sql`(${wait} <= ${edge * 1000})::int`]));

const inRange = (column: SQL, from: Date, to: Date) =>
  sql`${column} >= ${from.toISOString()}::timestamptz and ${column} < ${to.toISOString()}::timestamptz`;

/** A queue entry's end (an answer or an abandon): the entry it ends and how long it waited. */
function queueEnd(workspaceId: string, from: Date, to: Date, type: 'assigned' | 'abandoned') {
  return sql`from routing_events a
    join conversations c on c.id = a.conversation_id
    join lateral (select q.id, q.created_at from routing_events q
      where q.conversation_id = a.conversation_id and q.type = 'queued' and q.id < a.id order by q.id desc limit 1) q on true
    cross join lateral (select ${ms(sql`a.created_at - q.created_at`)} as wait) w
    where a.workspace_id = ${workspaceId} and a.type = ${type} and ${inRange(sql`a.created_at`, from, to)}
      and not exists (select 1 from routing_events x where x.conversation_id = a.conversation_id
        and x.type in ('assigned', 'abandoned') and x.id > q.id and x.id < a.id)`;
}

const conversationParts = (ws: string, from: Date, to: Date): SQL[] => [
  // Offered: every entry into the queue (a new conversation, a bot hand-off, a reopen without an owner).
  part({
    t: sql`q.created_at`,
    channel: sql`c.channel`,
    inbox: sql`c.inbox_id`,
    team: sql`q.team_id`,
    agent: sql`null`,
    values: { offered: sql`1` },
    from: sql`from routing_events q join conversations c on c.id = q.conversation_id
      where q.workspace_id = ${ws} and q.type = 'queued' and ${inRange(sql`q.created_at`, from, to)}`,
  }),
  // Answered: the first assignment after a queue entry.
  part({
    t: sql`a.created_at`,
    channel: sql`c.channel`,
    inbox: sql`c.inbox_id`,
    team: sql`a.team_id`,
    agent: sql`a.user_id`,
    values: { answered: sql`1`, answer_wait_ms: sql`w.wait`, ...within('answered_within', sql`w.wait`) },
    from: queueEnd(ws, from, to, 'assigned'),
  }),
  // Abandoned: the customer left before any assignment.
  part({
    t: sql`a.created_at`,
    channel: sql`c.channel`,
    inbox: sql`c.inbox_id`,
    team: sql`a.team_id`,
    agent: sql`null`,
    values: { abandoned: sql`1`, abandon_wait_ms: sql`w.wait`, ...within('abandoned_within', sql`w.wait`) },
    from: queueEnd(ws, from, to, 'abandoned'),
  }),
  // Replies by people: each one that answers customer messages is a response; the first one is also the first response.
  part({
    t: sql`m.created_at`,
    channel: sql`c.channel`,
    inbox: sql`c.inbox_id`,
    team: teamAt(sql`m.conversation_id`, sql`m.created_at`),
    agent: asUuid(sql`m.sender_id`),
    values: {
      responses: sql`(run.start is not null)::int`,
      response_ms: sql`coalesce(${ms(sql`m.created_at - greatest(run.start, q.start)`)}, 0)`,
      first_responses: sql`(prior.seq is null)::int`,
      first_response_ms: sql`case when prior.seq is null then ${ms(sql`m.created_at - q.start`)} else 0 end`,
    },
    from: sql`from messages m
      join conversations c on c.id = m.conversation_id
      join lateral (select min(r.created_at) as start from routing_events r where r.conversation_id = m.conversation_id and r.type = 'queued') q on true
      left join lateral (select max(o.seq) as seq from messages o
        where o.conversation_id = m.conversation_id and o.kind = 'out' and o.sender_type = 'agent' and o.seq < m.seq) prior on true
      left join lateral (select min(i.created_at) as start from messages i
        where i.conversation_id = m.conversation_id and i.kind = 'in' and i.seq < m.seq and i.seq > coalesce(prior.seq, 0)) run on true
      where m.workspace_id = ${ws} and m.kind = 'out' and m.sender_type = 'agent' and ${inRange(sql`m.created_at`, from, to)}
        and q.start is not null and m.created_at >= q.start
        and (prior.seq is null or run.start is not null)`,
  }),
  // Resolutions: handled ones (an agent had it since its last queue entry) carry their handle time; bot-only ones are contained.
  part({
    t: sql`m.created_at`,
    channel: sql`c.channel`,
    inbox: sql`c.inbox_id`,
    team: teamAt(sql`m.conversation_id`, sql`m.created_at`),
    agent: sql`case when h.start is not null then ${agentAt(sql`m.conversation_id`, sql`m.created_at`)} end`,
    values: {
      resolutions: sql`1`,
      handled_resolutions: sql`(h.start is not null)::int`,
      handle_ms: sql`coalesce(${ms(sql`m.created_at - greatest(h.start, reopened.at)`)}, 0)`,
      bot_contained: sql`(exists (select 1 from bot_sessions b where b.conversation_id = m.conversation_id)
        and not exists (select 1 from messages x where x.conversation_id = m.conversation_id and x.kind = 'event'
          and x.event->>'type' = 'handed_off' and x.seq < m.seq)
        and not exists (select 1 from routing_events x where x.conversation_id = m.conversation_id and x.type = 'assigned'
          and x.created_at <= m.created_at))::int`,
    },
    from: sql`from messages m
      join conversations c on c.id = m.conversation_id
      left join lateral (select max(r.id) as id from routing_events r
        where r.conversation_id = m.conversation_id and r.type = 'queued' and r.created_at <= m.created_at) lq on true
      left join lateral (select min(r.created_at) as start from routing_events r
        where r.conversation_id = m.conversation_id and r.type = 'assigned' and r.id > coalesce(lq.id, 0) and r.created_at <= m.created_at) h on true
      left join lateral (select max(x.created_at) as at from messages x
        where x.conversation_id = m.conversation_id and x.kind = 'event' and x.event->>'type' = 'reopened' and x.seq < m.seq) reopened on true
      where m.workspace_id = ${ws} and m.kind = 'event' and m.event->>'type' = 'resolved' and ${notAbandon}
        and ${inRange(sql`m.created_at`, from, to)}`,
  }),
  // Reopens, transfers (counted for the agent and team it left), bot hand-offs, CSAT on conversations.
  part({
    t: sql`m.created_at`,
    channel: sql`c.channel`,
    inbox: sql`c.inbox_id`,
    team: sql`case when m.event->>'type' = 'transferred' then ${asUuid(sql`m.event->>'previousTeamId'`)} else ${teamAt(sql`m.conversation_id`, sql`m.created_at`)} end`,
    agent: sql`case when m.event->>'type' = 'transferred' then ${asUuid(sql`m.event->>'previousAssigneeId'`)}
      when m.event->>'type' = 'handed_off' then null else ${agentAt(sql`m.conversation_id`, sql`m.created_at`)} end`,
    values: {
      reopens: sql`(m.event->>'type' = 'reopened')::int`,
      transfers: sql`(m.event->>'type' = 'transferred')::int`,
      bot_handoffs: sql`(m.event->>'type' = 'handed_off')::int`,
      csat_responses: sql`(m.event->>'type' = 'csat')::int`,
      csat_satisfied: sql`(m.event->>'type' = 'csat' and (m.event->>'rating')::int >= 4)::int`,
      csat_score_sum: sql`case when m.event->>'type' = 'csat' then (m.event->>'rating')::int else 0 end`,
    },
    from: sql`from messages m join conversations c on c.id = m.conversation_id
      where m.workspace_id = ${ws} and m.kind = 'event' and m.event->>'type' in ('reopened', 'transferred', 'handed_off', 'csat')
        and ${inRange(sql`m.created_at`, from, to)}`,
  }),
  // Bot conversations: the bot took the conversation (its session began).
  part({
    t: sql`b.created_at`,
    channel: sql`c.channel`,
    inbox: sql`c.inbox_id`,
    team: sql`null`,
    agent: sql`null`,
    values: { bot_conversations: sql`1` },
    from: sql`from bot_sessions b join conversations c on c.id = b.conversation_id
      where b.workspace_id = ${ws} and ${inRange(sql`b.created_at`, from, to)}`,
  }),
];

const slaCounters = (outcome: 'achieved' | 'breached'): Values =>
  Object.fromEntries(SLA_METRICS.map((metric) => [`sla_${metric}_${outcome}`, sql`(s.metric = ${metric})::int`]));

/** SLA clocks end once: breached when the due time passed, achieved when met in time (their timestamps are set once). */
const slaParts = (ws: string, from: Date, to: Date): SQL[] =>
  (['achieved', 'breached'] as const).map((outcome) =>
    part({
      t: sql.raw(`s.${outcome}_at`),
      channel: sql`coalesce(c.channel, k.source_channel)`,
      inbox: sql`c.inbox_id`,
      team: sql`case when c.id is not null then ${teamAt(sql`c.id`, sql.raw(`s.${outcome}_at`))} else k.team_id end`,
      agent: sql`case when c.id is not null then ${agentAt(sql`c.id`, sql.raw(`s.${outcome}_at`))} else k.assignee_id end`,
      values: slaCounters(outcome),
      from: sql`from sla_targets s
        left join conversations c on s.subject_type = 'conversation' and c.id = s.subject_id
        left join tickets k on s.subject_type = 'ticket' and k.id = s.subject_id
        where s.workspace_id = ${ws} and ${inRange(sql.raw(`s.${outcome}_at`), from, to)}
          ${outcome === 'achieved' ? sql`and s.breached_at is null` : sql``}`,
    }),
  );

const SOLVED = sql`('solved', 'closed')`;

/** Ticket flow from ticket events; the backlog is the running sum of its delta. */
const ticketParts = (ws: string, from: Date, to: Date): SQL[] => [
  part({
    t: sql`e.created_at`,
    channel: sql`k.source_channel`,
    inbox: sql`null`,
    team: sql`k.team_id`,
    agent: sql`k.assignee_id`,
    values: {
      tickets_created: sql`(e.type = 'created')::int`,
      tickets_solved: sql`(e.type = 'status_changed' and e.data->>'to' = 'solved')::int`,
      tickets_reopened: sql`(e.type = 'status_changed' and e.data->>'from' in ${SOLVED} and e.data->>'to' not in ${SOLVED})::int`,
      tickets_escalated: sql`(e.type = 'escalated')::int`,
      tickets_backlog_delta: sql`case when e.type = 'created' then 1
        when e.type = 'status_changed' and e.data->>'from' in ${SOLVED} and e.data->>'to' not in ${SOLVED} then 1
        when e.type = 'status_changed' and e.data->>'from' not in ${SOLVED} and e.data->>'to' in ${SOLVED} then -1 else 0 end`,
      csat_responses: sql`(e.type = 'csat_rated')::int`,
      csat_satisfied: sql`(e.type = 'csat_rated' and (e.data->>'rating')::int >= 4)::int`,
      csat_score_sum: sql`case when e.type = 'csat_rated' then (e.data->>'rating')::int else 0 end`,
    },
    from: sql`from ticket_events e join tickets k on k.id = e.ticket_id
      where e.workspace_id = ${ws} and e.type in ('created', 'status_changed', 'escalated', 'csat_rated')
        and ${inRange(sql`e.created_at`, from, to)}`,
  }),
];

/**
 * Time facts, cut at hour boundaries: time in each presence state, and occupied time (the agent
 * held at least one conversation while online or busy). Intervals still open run to `to`.
 */
const HOLDING = sql`('assigned', 'unassigned', 'transferred', 'requeued', 'resolved', 'reopened')`;

const timeParts = (ws: string, from: Date, to: Date): SQL[] => {
  const f = sql`${from.toISOString()}::timestamptz`;
  const t = sql`${to.toISOString()}::timestamptz`;
  const presence = sql`(select user_id, details->>'to' as status, created_at as s,
      coalesce(lead(created_at) over (partition by user_id order by id), ${t}) as e
    from routing_events where workspace_id = ${ws} and type = 'presence' and created_at < ${t}
      -- Only what can reach into the range: its own changes and each agent's last one before it.
      and (created_at >= ${f} or id in (select max(id) from routing_events
        where workspace_id = ${ws} and type = 'presence' and created_at < ${f} group by user_id)))`;
  // Ownership intervals per conversation: from each ownership change to the next (a resolution ends it; a reopen resumes the last owner).
  const owned = sql`(select owner as user_id, s, e from (
      select case when m.event->>'type' = 'resolved' then null
          when m.event->>'type' = 'reopened' then ${agentAt(sql`m.conversation_id`, sql`m.created_at`)}
          else ${asUuid(sql`m.event->>'assigneeId'`)} end as owner,
        m.created_at as s,
        coalesce(lead(m.created_at) over (partition by m.conversation_id order by m.seq), ${t}) as e
      from messages m
      where m.workspace_id = ${ws} and m.kind = 'event' and m.created_at < ${t}
        and m.event->>'type' in ${HOLDING}
        -- Conversations held at some point of the range: one with no holding change since its start is still open now.
        and m.conversation_id in (select x.conversation_id from messages x where x.workspace_id = ${ws} and x.kind = 'event'
            and x.created_at >= ${f} and x.event->>'type' in ${HOLDING}
          union select c.id from conversations c where c.workspace_id = ${ws} and c.state <> 'resolved')
    ) o where owner is not null and e > ${f})`;
  // Merge each agent's overlapping conversations into islands of "holding at least one".
  const islands = sql`(select user_id, min(s) as s, max(e) as e from (
      select user_id, s, e, sum(fresh) over (partition by user_id order by s, e) as island from (
        select user_id, s, e, case when s <= max(e) over (partition by user_id order by s, e rows between unbounded preceding and 1 preceding)
          then 0 else 1 end as fresh from ${owned} x) y) z group by user_id, island)`;
  const available = sql`(select * from ${presence} p where p.status in ('online', 'busy'))`;
  const hourly = (source: SQL, values: (msExpr: SQL) => Values) =>
    part({
      t: sql`h`,
      channel: sql`null`,
      inbox: sql`null`,
      team: sql`null`,
      agent: sql`v.user_id`,
      values: values(ms(sql`least(v.e, h + interval '1 hour') - greatest(v.s, h)`)),
      from: sql`from (select user_id, status, greatest(s, ${f}) as s, least(e, ${t}) as e from ${source} src) v
        cross join lateral generate_series(date_trunc('hour', v.s, 'UTC'), v.e - interval '1 millisecond', interval '1 hour') h
        where v.e > v.s`,
    });
  return [
    hourly(presence, (value) => ({
      online_ms: sql`case when v.status = 'online' then ${value} else 0 end`,
      busy_ms: sql`case when v.status = 'busy' then ${value} else 0 end`,
      away_ms: sql`case when v.status = 'away' then ${value} else 0 end`,
    })),
    hourly(
      sql`(select i.user_id, null as status, greatest(i.s, a.s) as s, least(i.e, a.e) as e
        from ${islands} i join ${available} a on a.user_id = i.user_id and a.s < i.e and i.s < a.e)`,
      (value) => ({ occupied_ms: value }),
    ),
  ];
};

/**
 * Every fact completed in [from, to) for one workspace (from must be on an hour). `only:
 * 'responses'` keeps the reply facts alone (what medians need).
 */
export function factsQuery(workspaceId: string, from: Date, to: Date, only?: 'responses'): SQL {
  const parts =
    only === 'responses'
      ? [conversationParts(workspaceId, from, to)[3]!]
      : [
          ...conversationParts(workspaceId, from, to),
          ...slaParts(workspaceId, from, to),
          ...ticketParts(workspaceId, from, to),
          ...timeParts(workspaceId, from, to),
        ];
  return sql.join(
    parts.map((p) => sql`(${p})`),
    sql` union all `,
  );
}

/** First contact resolution: each resolution, and whether no reopen and no new conversation of the customer followed within `days`. */
export function fcrQuery(workspaceId: string, from: Date, to: Date, days: number): SQL {
  return sql`select m.created_at as t, c.channel::text as channel, c.inbox_id, ${teamAt(sql`m.conversation_id`, sql`m.created_at`)} as team_id,
      ${agentAt(sql`m.conversation_id`, sql`m.created_at`)} as agent_id, 1 as fcr_resolutions,
      (not exists (select 1 from messages x where x.conversation_id = m.conversation_id and x.kind = 'event'
          and x.event->>'type' = 'reopened' and x.seq > m.seq and x.created_at <= m.created_at + make_interval(days => ${days}))
        and not exists (select 1 from conversations n where n.workspace_id = c.workspace_id and n.customer_id = c.customer_id
          and n.id <> c.id and n.created_at > m.created_at and n.created_at <= m.created_at + make_interval(days => ${days})))::int as fcr_resolved
    from messages m join conversations c on c.id = m.conversation_id
    where m.workspace_id = ${workspaceId} and m.kind = 'event' and m.event->>'type' = 'resolved' and ${notAbandon}
      and ${inRange(sql`m.created_at`, from, to)}`;
}
