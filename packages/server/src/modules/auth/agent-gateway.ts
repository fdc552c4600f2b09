import { fastifyCookie } from '@fastify/cookie';
import type { Socket } from 'socket.io';
import type { AppContext } from '../../platform/context.js';
import { rooms } from '../../platform/realtime.js';
import { agentEventBudget, connectionBudget, credentialKey, SOCKET_EVENT_COSTS } from '../../platform/socket-budgets.js';
import { guardSocket, refuseNulPackets, socketAddress } from '../../platform/socket-guard.js';
import { listMembershipsOfUser } from '../users/service.js';
import { endAgentSockets, listenForSocketEnds } from './agent-sockets.js';
import { originAllowed } from './origins.js';
import { findSession, SESSION_COOKIE, sessionLimits, stillValidSessions } from './sessions.js';

export interface AgentSocketData {
  userId: string;
  /** The session the socket was opened with: revoking it closes the socket. */
  sessionId: string;
  /** Workspace id → role, for the workspaces this user is an active member of. */
  workspaces: Map<string, string>;
}

/** Something to do with each authenticated agent socket (its module's event handlers). */
export type AgentSocketHandler = (socket: Socket, data: AgentSocketData) => void;

/**
 * A session can also end without anyone revoking it (idle or lifetime expiry), and a node can
 * miss a revocation broadcast: each node rechecks its own sockets' sessions this often.
 */
const SESSION_SWEEP_MS = 60_000;

/**
 * The agent side of the real-time gateway: namespace `/agent`, authenticated by the same
 * session cookie as the API. Each socket joins its user's room and its workspaces' rooms.
 */
export function registerAgentGateway(ctx: AppContext, handlers: AgentSocketHandler[]): { sweep(): Promise<void>; stop(): void } {
  const namespace = ctx.realtime.agents;
  listenForSocketEnds(namespace);
  const connections = connectionBudget(ctx.config);
  const budget = agentEventBudget(ctx.config);
  namespace.use(async (socket, next) => {
    try {
      // A cookie-authenticated socket opened by another site's page would act as the agent (cross-site WebSocket hijacking).
      if (!originAllowed(socket.handshake.headers.origin, socket.handshake.headers.host, ctx.config)) {
        return next(new Error('origin_not_allowed'));
      }
      const refusal = connections.spend({
        principal: credentialKey(socket.handshake.headers.cookie),
        ip: socketAddress(socket, ctx.config.TRUST_PROXY),
      });
      if (refusal) return next(Object.assign(new Error('rate_limited'), { data: refusal }));
      const cookies = fastifyCookie.parse(socket.handshake.headers.cookie ?? '');
      const token = cookies[SESSION_COOKIE];
      const session = token ? await findSession(ctx.db, token, sessionLimits(ctx.config)) : undefined;
      if (!session || session.status !== 'valid') return next(new Error('session_gone'));
      const memberships = await listMembershipsOfUser(ctx.db, session.userId);
      const data: AgentSocketData = {
        userId: session.userId,
        sessionId: session.sessionId,
        workspaces: new Map(memberships.map((m) => [m.workspaceId, m.role])),
      };
      socket.data = data;
      next();
    } catch (error) {
      ctx.logger.warn({ err: error }, 'agent socket authentication failed');
      next(new Error('could not authenticate'));
    }
  });
  namespace.on('connection', (socket) => {
    const data = socket.data as AgentSocketData;
    // First, so every module's handlers sit behind the budget. No workspace scope: an agent acts
    // in several, and their own budget already bounds them.
    guardSocket(socket, { budget, scopes: { principal: data.userId }, costs: SOCKET_EVENT_COSTS, trustProxy: ctx.config.TRUST_PROXY });
    refuseNulPackets(socket);
    void socket.join([rooms.user(data.userId), ...[...data.workspaces.keys()].map(rooms.workspace)]);
    for (const handler of handlers) handler(socket, data);
  });

  async function sweep() {
    const local = [...namespace.sockets.values()].map((socket) => (socket.data as AgentSocketData).sessionId).filter(Boolean);
    const open = [...new Set(local)];
    if (open.length === 0) return;
    const valid = await stillValidSessions(ctx.db, open, sessionLimits(ctx.config));
    const gone = open.filter((id) => !valid.has(id));
    if (gone.length > 0) endAgentSockets(ctx.realtime, { reason: 'session_gone', sessionIds: gone });
  }
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => ctx.logger.warn({ err: error }, 'agent socket session sweep failed'));
  }, SESSION_SWEEP_MS);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
