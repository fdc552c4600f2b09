import type { Namespace } from 'socket.io';
import type { Realtime } from '../../platform/realtime.js';

/**
 * Why the server closes an agent socket, sent as the event `session_gone` / `access_changed`
 * just before the disconnect. `session_gone`: log in again (the same text refuses the
 * handshake). `access_changed`: the session is fine but a membership changed; reconnect.
 */
export type SocketEndReason = 'session_gone' | 'access_changed';

export interface SocketEnd {
  reason: SocketEndReason;
  sessionIds?: string[];
  userIds?: string[];
}

const END_EVENT = 'agent-sockets:end';

const MESSAGES: Record<SocketEndReason, string> = {
  session_gone: 'your session ended (logged out, revoked or expired); log in again',
  access_changed: 'your workspace access changed; reconnect',
};

function endLocal(namespace: Namespace, end: SocketEnd): void {
  const sessions = new Set(end.sessionIds ?? []);
  const users = new Set(end.userIds ?? []);
  for (const socket of namespace.sockets.values()) {
    const data = socket.data as { sessionId?: string; userId?: string };
    if ((data.sessionId && sessions.has(data.sessionId)) || (data.userId && users.has(data.userId))) {
      // The event goes out on the socket before the disconnect packet, so the client sees why.
      socket.emit(end.reason, { code: end.reason, message: MESSAGES[end.reason] });
      socket.disconnect(true);
    }
  }
}

/** Closes the matching agent sockets on this node and, through the Redis adapter, on every other. */
export function endAgentSockets(realtime: Realtime, end: SocketEnd): void {
  if ((end.sessionIds?.length ?? 0) === 0 && (end.userIds?.length ?? 0) === 0) return;
  endLocal(realtime.agents, end);
  if (realtime.clustered) realtime.agents.serverSideEmit(END_EVENT, end);
}

/** Every node listens for the others' requests to close sockets. */
export function listenForSocketEnds(namespace: Namespace): void {
  namespace.on(END_EVENT, (end: SocketEnd) => endLocal(namespace, end));
}

export { MESSAGES as SOCKET_END_MESSAGES };
