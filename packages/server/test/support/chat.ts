import { io, type Socket } from 'socket.io-client';
import type { HttpClient } from './http.js';

/** A widget visitor: a session over HTTP, then the `/widget` socket, as the real widget does. */
export async function startVisitor(baseUrl: string, inboxKey: string, body: Record<string, unknown> = {}) {
  const response = await fetch(`${baseUrl}/api/v1/widget/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inboxKey, context: { pageUrl: 'https://shop.example/item/9', language: 'zh-CN' }, ...body }),
  });
  const session = (await response.json()) as { visitorToken: string; customerId: string; conversationId: string | null; verified: boolean };
  if (response.status !== 200) throw new Error(`session failed: ${response.status} ${JSON.stringify(session)}`);
  const socket = await connectSocket(`${baseUrl}/widget`, { auth: { visitorToken: session.visitorToken } });
  return { session, socket, inbox: new EventInbox(socket, ['message', 'message:status', 'typing', 'conversation', 'queue']) };
}

/** An agent console's socket, authenticated by the logged-in client's session cookie. */
export async function connectAgent(baseUrl: string, client: HttpClient) {
  const socket = await connectSocket(`${baseUrl}/agent`, { extraHeaders: { cookie: client.cookie ?? '' } });
  return { socket, inbox: new EventInbox(socket, ['message', 'message:status', 'typing', 'conversation', 'queue']) };
}

export function connectSocket(url: string, options: Record<string, unknown>): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

export async function emitAck<T = any>(
  socket: Socket,
  event: string,
  payload?: unknown,
): Promise<{ ok: boolean; data?: T; error?: { code: string; message: string } }> {
  return payload === undefined ? socket.timeout(10_000).emitWithAck(event) : socket.timeout(10_000).emitWithAck(event, payload);
}

/** Collects events as they arrive, so a test can wait for the one it expects. */
export class EventInbox {
  readonly events: { name: string; payload: any }[] = [];
  private waiters: (() => void)[] = [];

  constructor(socket: Socket, names: string[]) {
    for (const name of names) {
      socket.on(name, (payload: unknown, ack?: unknown) => {
        this.events.push({ name, payload });
        // The widget acknowledges messages so the server can mark them delivered.
        if (typeof ack === 'function') (ack as (value: unknown) => void)({ ok: true });
        for (const wake of this.waiters.splice(0)) wake();
      });
    }
  }

  of(name: string, match: (payload: any) => boolean = () => true) {
    return this.events.filter((event) => event.name === name && match(event.payload)).map((event) => event.payload);
  }

  async waitFor(name: string, match: (payload: any) => boolean = () => true, timeoutMs = 10_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(name, match)[0];
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no ${name} event matched within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.name))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }
}
