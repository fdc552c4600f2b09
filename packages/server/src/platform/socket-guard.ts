import type { Socket } from 'socket.io';
import { findNul } from '@huiliu/contracts';
import { nulRefused } from './errors.js';
import type { BudgetScopes, EventBudget } from './event-budget.js';

export interface SocketGuardOptions {
  budget: EventBudget;
  /** The principal and workspace this socket acts for (read once, at connection). */
  scopes: Omit<BudgetScopes, 'connection' | 'ip'>;
  /** What an event costs, for those dearer than one (reads that return many rows). */
  costs?: Record<string, number>;
  trustProxy: boolean;
  /** Refusals in a row after which the socket is dropped: a client that ignores "wait" is not a widget. */
  disconnectAfter?: number;
}

const DISCONNECT_AFTER = 100;

/** The caller's address: the first forwarded hop only when a proxy we trust set it. */
export function socketAddress(socket: Socket, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = socket.handshake.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return socket.handshake.address;
}

/**
 * Every event on the socket, known or not, pays from the budget before its handler runs: a
 * refused event is answered at once (an ack error with the wait) and never reaches the database,
 * so a flood costs the server the parsing of the packet and nothing more.
 */
export function guardSocket(socket: Socket, options: SocketGuardOptions): void {
  const scopes: BudgetScopes = { ...options.scopes, connection: socket.id, ip: socketAddress(socket, options.trustProxy) };
  let refusedInRow = 0;
  socket.use((packet, next) => {
    const [event] = packet;
    const cost = (typeof event === 'string' ? options.costs?.[event] : undefined) ?? 1;
    const refusal = options.budget.spend(scopes, cost);
    if (!refusal) {
      refusedInRow = 0;
      return next();
    }
    // Even a refusal costs a packet's parsing; one who keeps on goes, and pays a connection to come back.
    if (++refusedInRow >= (options.disconnectAfter ?? DISCONNECT_AFTER)) {
      socket.disconnect(true);
      return;
    }
    const ack = packet.at(-1);
    if (typeof ack === 'function')
      (ack as (response: unknown) => void)({
        ok: false,
        error: { code: refusal.error, message: 'too many requests; wait a moment', retryAfterMs: refusal.retryAfterMs },
      });
  });
}

/**
 * The socket edge's NUL guard (the HTTP edge has its own hook): an event whose payload holds a
 * NUL anywhere is answered, if it asked for an acknowledgement, with the same validation
 * failure the REST API gives, and goes no further — no handler sees it.
 */
export function refuseNulPackets(socket: Socket): void {
  socket.use((packet, next) => {
    const args = packet.slice(1).filter((arg) => typeof arg !== 'function');
    const path = findNul(args.length === 1 ? args[0] : args, 'payload');
    if (!path) return next();
    const ack = packet.at(-1);
    const refused = nulRefused(path);
    if (typeof ack === 'function') ack({ ok: false, error: { code: refused.code, message: refused.message } });
  });
}
