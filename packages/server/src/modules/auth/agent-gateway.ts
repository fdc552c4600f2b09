import { fastifyCookie } from '@fastify/cookie';
import type { Socket } from 'socket.io';
import type { AppContext } from '../../platform/context.js';
import { rooms } from '../../platform/realtime.js';
import { listMembershipsOfUser } from '../users/service.js';
import { findSession, SESSION_COOKIE } from './sessions.js';

export interface AgentSocketData {
  userId: string;
  /** Workspace id → role, for the workspaces this user is an active member of. */
  workspaces: Map<string, string>;
}

/** Something to do with each authenticated agent socket (its module's event handlers). */
export type AgentSocketHandler = (socket: Socket, data: AgentSocketData) => void;

/**
 * The agent side of the real-time gateway: namespace `/agent`, authenticated by the same
 * session cookie as the API. Each socket joins its user's room and its workspaces' rooms.
 */
export function registerAgentGateway(ctx: AppContext, handlers: AgentSocketHandler[]): void {
  const namespace = ctx.realtime.agents;
  namespace.use(async (socket, next) => {
    try {
      const cookies = fastifyCookie.parse(socket.handshake.headers.cookie ?? '');
      const token = cookies[SESSION_COOKIE];
      const session = token ? await findSession(ctx.db, token, ctx.config.SESSION_IDLE_MINUTES) : undefined;
      if (!session || session.status !== 'valid') return next(new Error('log in first: no valid session'));
      const memberships = await listMembershipsOfUser(ctx.db, session.userId);
      const data: AgentSocketData = { userId: session.userId, workspaces: new Map(memberships.map((m) => [m.workspaceId, m.role])) };
      socket.data = data;
      next();
    } catch (error) {
      ctx.logger.warn({ err: error }, 'agent socket authentication failed');
      next(new Error('could not authenticate'));
    }
  });
  namespace.on('connection', (socket) => {
    const data = socket.data as AgentSocketData;
    void socket.join([rooms.user(data.userId), ...[...data.workspaces.keys()].map(rooms.workspace)]);
    for (const handler of handlers) handler(socket, data);
  });
}
