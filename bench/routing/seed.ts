import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * A workspace with one team of `agents` online agents (capacity `capacity` each on chat) and a
 * burst of `conversations` queued at once, written with plain SQL so that set-up is quick.
 */
export async function seedBurst(url: string, options: { agents: number; conversations: number; capacity: number }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const workspaceId = randomUUID();
    const teamId = randomUUID();
    const inboxId = randomUUID();
    await client.query(`INSERT INTO workspaces (id, name, slug) VALUES ($1, '路由压测', $2)`, [
      workspaceId,
      `bench-${workspaceId.slice(0, 8)}`,
    ]);
    await client.query(`INSERT INTO teams (id, workspace_id, name) VALUES ($1, $2, '售后服务')`, [teamId, workspaceId]);
    await client.query(
      `INSERT INTO inboxes (id, workspace_id, kind, name, public_key, secret, default_team_id) VALUES ($1, $2, 'widget', '压测', $3, 'x', $4)`,
      [inboxId, workspaceId, randomUUID(), teamId],
    );
    await client.query(
      `WITH u AS (
         INSERT INTO users (email, name, password_hash)
         SELECT 'bench-' || g || '-' || $2 || '@example.test', '坐席' || g, 'unused' FROM generate_series(1, $1) g RETURNING id)
       , m AS (INSERT INTO memberships (workspace_id, user_id, role) SELECT $3, id, 'agent' FROM u RETURNING user_id)
       , t AS (INSERT INTO team_members (workspace_id, team_id, user_id) SELECT $3, $4, user_id FROM m RETURNING user_id)
       , c AS (INSERT INTO agent_capacities (workspace_id, user_id, channel, capacity) SELECT $3, user_id, 'widget', $5 FROM t RETURNING user_id)
       INSERT INTO agent_states (workspace_id, user_id, status) SELECT $3, user_id, 'online' FROM c`,
      [options.agents, workspaceId.slice(0, 8), workspaceId, teamId, options.capacity],
    );
    await client.query(
      `WITH cu AS (INSERT INTO customers (workspace_id) SELECT $1 FROM generate_series(1, $2) RETURNING id)
       INSERT INTO conversations (workspace_id, inbox_id, channel, customer_id, state, team_id, queued_at, queue_priority)
       SELECT $1, $3, 'widget', id, 'queued', $4, now(), 10 FROM cu`,
      [workspaceId, options.conversations, inboxId, teamId],
    );
    return { workspaceId, teamId };
  } finally {
    await client.end();
  }
}

/** Wakes the routers on every process (as a new conversation would). */
export async function wakeRouters(url: string, workspaceId: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `WITH o AS (INSERT INTO outbox (workspace_id, topic, payload) VALUES ($1, 'routing.agent_available', '{}')) SELECT pg_notify('huiliu_outbox', 'x')`,
      [workspaceId],
    );
  } finally {
    await client.end();
  }
}
