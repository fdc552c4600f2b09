import { randomUUID } from 'node:crypto';
import net from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/modules/auth/passwords.js';
import { receiveInbound } from '../src/modules/conversations/inbound.js';
import { findOrCreateCustomer, updateCustomer } from '../src/modules/customers/service.js';
import { createInbox } from '../src/modules/inboxes/service.js';
import { setPresence } from '../src/modules/routing/presence.js';
import { agentCapacities } from '../src/modules/routing/schema.js';
import { addTeamMember, createTeam } from '../src/modules/teams/service.js';
import { addMembership, createUser } from '../src/modules/users/service.js';
import { createWorkspace } from '../src/modules/workspaces/service.js';
import { createDatabase, createPool, type Database } from '../src/platform/db/pool.js';
import { runMigrations } from '../src/platform/db/migrate.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { freePort } from './support/ports.js';
import { spawnServer, type ServerProcess } from './support/process.js';
import { SLOW_UNDER_LOAD } from './support/timeouts.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const reachable = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = net.connect(Number(port || 6379), hostname, () => (socket.end(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
const redis = (await reachable(REDIS_URL)) ? REDIS_URL : '';

const AGENTS = 50;
const CONVERSATIONS = 300;

/**
 * Three server processes route one workspace at once: 300 conversations for 50 agents with
 * mixed capacity and skills. Correctness is checked from the routing event log, not only the
 * end state; agents go offline mid-run, and one process is killed with SIGKILL.
 */
describe('routing with three processes', () => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let db: Database;
  const servers: ServerProcess[] = [];
  let workspaceId: string;
  const teamIds: string[] = [];
  const agentTeams = new Map<string, Set<string>>();
  const capacity = new Map<string, number>();

  beforeAll(async () => {
    database = await createTestDatabase();
    const logger = pino({ level: 'silent' });
    pool = createPool(database.url, 10, logger);
    await runMigrations(pool, logger);
    db = createDatabase(pool);
    const workspace = await createWorkspace(db, { name: '路由压测', slug: `cluster-${randomUUID().slice(0, 8)}` });
    workspaceId = workspace.id;
    for (const name of ['售前咨询', '售后服务']) teamIds.push((await createTeam(db, workspaceId, { name, description: '' })).id);
    const passwordHash = await hashPassword('not used here');
    for (let index = 0; index < AGENTS; index++) {
      const user = await createUser(db, { email: `cluster-${index}@example.test`, name: `坐席${index}`, passwordHash });
      await addMembership(db, { workspaceId, userId: user.id, role: 'agent' });
      // Skills: a third in each team, a third in both; proficiency 1–5.
      const teams = index % 3 === 0 ? teamIds : [teamIds[index % 3 === 1 ? 0 : 1]!];
      for (const teamId of teams) await addTeamMember(db, workspaceId, teamId, user.id, (index % 5) + 1);
      agentTeams.set(user.id, new Set(teams));
      capacity.set(user.id, (index % 4) + 1);
      await db.insert(agentCapacities).values({ workspaceId, userId: user.id, channel: 'widget', capacity: (index % 4) + 1 });
    }
    const servers3 = await Promise.all(
      [0, 1, 2].map(async () =>
        spawnServer({
          DATABASE_URL: database.url,
          PORT: String(await freePort()),
          HUILIU_DEMO: 'false',
          REDIS_URL: redis,
          LOG_LEVEL: 'warn',
        }),
      ),
    );
    servers.push(...servers3);
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    await pool?.end();
    await database?.drop();
  });

  const sql = async <T>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as T[];
  const until = async (check: () => Promise<boolean>, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('not reached in time');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  it(
    'assigns each conversation once, never over capacity, VIP first, by skill; survives offline agents and a killed process',
    SLOW_UNDER_LOAD,
    async () => {
      const inboxes = await Promise.all(
        teamIds.map((teamId, index) =>
          createInbox(db, workspaceId, { kind: 'widget', name: `入口${index}`, defaultTeamId: teamId, settings: {} }),
        ),
      );
      // 300 conversations arrive at once, a fifth from VIP customers; nobody is online yet.
      await Promise.all(
        Array.from({ length: CONVERSATIONS }, async (_, index) => {
          const identity = { kind: 'phone' as const, value: `+86150${String(index).padStart(8, '0')}` };
          if (index % 5 === 0) {
            const customerId = await findOrCreateCustomer(db, workspaceId, identity);
            await updateCustomer(db, workspaceId, customerId, { tier: 'vip' });
          }
          await receiveInbound(db, { inbox: inboxes[index % 2]!, identity, idempotencyKey: randomUUID(), text: `第${index}位客户` });
        }),
      );

      const agentIds = [...agentTeams.keys()];
      // Everyone comes online at once; the routers on all three processes start working.
      await Promise.all(agentIds.map((userId) => db.transaction((tx) => setPresence(tx, workspaceId, userId, 'online'))));
      // Mid-run: one process is killed, and five agents go offline.
      await new Promise((resolve) => setTimeout(resolve, 300));
      servers[0]!.child.kill('SIGKILL');
      const leaving = agentIds.slice(0, 5);
      for (const userId of leaving) await db.transaction((tx) => setPresence(tx, workspaceId, userId, 'offline'));

      // The survivors fill every slot of the agents still online.
      const online = agentIds.filter((id) => !leaving.includes(id));
      const slots = online.reduce((sum, id) => sum + capacity.get(id)!, 0);
      await until(async () => {
        const [row] = await sql<{ count: number }>(
          `SELECT count(*)::int AS count FROM conversations WHERE workspace_id = $1 AND state = 'assigned'`,
          [workspaceId],
        );
        return row!.count === Math.min(slots, CONVERSATIONS);
      });
      await new Promise((resolve) => setTimeout(resolve, 1000));

      // Replay the event log: concurrent load per agent never exceeds capacity.
      const events = await sql<{ type: string; conversation_id: string; user_id: string }>(
        `SELECT type, conversation_id, user_id FROM routing_events WHERE workspace_id = $1 AND type IN ('assigned', 'requeued') ORDER BY id`,
        [workspaceId],
      );
      const holder = new Map<string, string>();
      const load = new Map<string, number>();
      for (const event of events) {
        if (event.type === 'assigned') {
          expect(holder.has(event.conversation_id), `conversation ${event.conversation_id} assigned twice`).toBe(false);
          holder.set(event.conversation_id, event.user_id);
          load.set(event.user_id, (load.get(event.user_id) ?? 0) + 1);
          expect(load.get(event.user_id)!, `agent ${event.user_id} over capacity`).toBeLessThanOrEqual(capacity.get(event.user_id)!);
        } else {
          const from = holder.get(event.conversation_id);
          expect(from).toBe(event.user_id);
          holder.delete(event.conversation_id);
          load.set(from!, load.get(from!)! - 1);
        }
      }

      // End state: nobody offline holds anything; every assignment respects skills; VIPs first per team.
      const conversations = await sql<{ id: string; team_id: string; assignee_id: string | null; state: string; queue_priority: number }>(
        `SELECT id, team_id, assignee_id, state, queue_priority FROM conversations WHERE workspace_id = $1`,
        [workspaceId],
      );
      for (const conversation of conversations) {
        if (!conversation.assignee_id) continue;
        expect(leaving).not.toContain(conversation.assignee_id);
        expect(agentTeams.get(conversation.assignee_id)!.has(conversation.team_id)).toBe(true);
        expect(conversation.state).toBe('assigned');
      }
      // A VIP sent back to the queue when its agent left may find every slot taken by then: agents
      // keep what they hold (no pre-emption). VIPs from the first burst must never wait behind normals.
      const requeued = new Set(events.filter((event) => event.type === 'requeued').map((event) => event.conversation_id));
      for (const teamId of teamIds) {
        const team = conversations.filter((conversation) => conversation.team_id === teamId);
        const waitingVip = team.filter(
          (conversation) => conversation.queue_priority >= 100 && !conversation.assignee_id && !requeued.has(conversation.id),
        );
        const servedNormal = team.filter((conversation) => conversation.queue_priority < 100 && conversation.assignee_id);
        if (servedNormal.length > 0) expect(waitingVip).toHaveLength(0);
      }
      expect(servers[1]!.child.exitCode).toBeNull();
      expect(servers[2]!.child.exitCode).toBeNull();
    },
  );
});
