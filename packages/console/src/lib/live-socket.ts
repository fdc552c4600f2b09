import { io, type Socket } from 'socket.io-client';
import { ApiError, api } from './api';

/** Longest wait between two reconnection attempts: a restarted or replaced node is back within seconds. */
export const RECONNECT_MAX_MS = 3_000;
const RECONNECT_FIRST_MS = 500;

export interface LiveSocketOptions {
  /** The server says this browser is no longer logged in. */
  onSessionGone(): void;
}

/**
 * The console's `/agent` socket, kept connected. Socket.IO retries a dropped transport by itself,
 * but not two cases that a restart produces: the server closing the socket on purpose ("io
 * server disconnect") and the handshake refused by the server's authentication (a node starting
 * up, or a session that is gone). Those are retried here, with the same capped backoff, unless
 * the API says the session is gone — then the console goes to the login page instead of
 * showing "reconnecting…" for ever.
 */
export function openLiveSocket(options: LiveSocketOptions): Socket {
  const socket = io('/agent', {
    withCredentials: true,
    transports: ['websocket', 'polling'],
    reconnectionDelay: RECONNECT_FIRST_MS,
    reconnectionDelayMax: RECONNECT_MAX_MS,
  });
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const retryLater = () => {
    clearTimeout(timer);
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** attempt++) * (0.5 + Math.random() / 2);
    timer = setTimeout(() => {
      if (!closed && !socket.connected && !socket.active) socket.connect();
    }, delay);
  };
  const checkSession = async () => {
    try {
      await api.get('/auth/me');
      retryLater();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) options.onSessionGone();
      else retryLater();
    }
  };

  socket.on('connect', () => {
    attempt = 0;
    clearTimeout(timer);
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') {
      closed = true;
      clearTimeout(timer);
    } else if (reason === 'io server disconnect') void checkSession();
  });
  // `active` is false only when Socket.IO has given up: a refusal by the server's middleware.
  socket.on('connect_error', () => {
    if (!closed && !socket.active) void checkSession();
  });
  return socket;
}
