import { io, type Socket } from 'socket.io-client';
import type { Api } from './api';
import type { Ack, Config, Conversation, Identity, Message } from './types';

/** A message on screen: stored (has seq) or still on its way (pending / failed). */
export interface ShownMessage {
  key: string;
  message?: Message;
  pending?: { clientMessageId: string; text: string; attachmentIds: string[]; preChat?: Record<string, string>; failed: boolean };
}

export interface ChatState {
  config: Config | null;
  conversation: Conversation | null;
  messages: ShownMessage[];
  agentTyping: boolean;
  connected: boolean;
  unread: number;
  error: string | null;
  /** While waiting for an agent: place in the queue and estimated wait in seconds. */
  queue: { position: number; estimatedWaitSeconds: number | null } | null;
}

const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);

/**
 * The widget's model: talks to the server, keeps messages ordered by seq, de-duplicated by id,
 * resends pending ones with the same client id, and catches up after a reconnect.
 */
export class ChatClient {
  state: ChatState = {
    config: null,
    conversation: null,
    messages: [],
    agentTyping: false,
    connected: false,
    unread: 0,
    error: null,
    queue: null,
  };
  private socket: Socket | null = null;
  private token: string | null;
  private listeners = new Set<() => void>();
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  panelOpen = false;

  constructor(
    private readonly api: Api,
    private readonly origin: string,
    private readonly storageKey: string,
    private identity: Identity | undefined,
  ) {
    this.token = safeStorage.get(storageKey);
  }

  /** Server-relative URLs (attachments) made absolute: the widget runs on another site. */
  absolute(url: string): string {
    return new URL(url, this.origin).href;
  }

  get visitorToken(): string | null {
    return this.token;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  async loadConfig(): Promise<void> {
    try {
      this.set({ config: await this.api.config() });
    } catch (error) {
      this.set({ error: (error as Error).message });
    }
  }

  /** Starts (or resumes) the visitor and opens the socket; safe to call more than once. */
  async connect(): Promise<void> {
    if (this.socket) return;
    const session = await this.api.session(this.token, this.identity);
    this.token = session.visitorToken;
    safeStorage.set(this.storageKey, session.visitorToken);
    const socket = io(`${this.origin}/widget`, { auth: { visitorToken: session.visitorToken }, transports: ['websocket', 'polling'] });
    this.socket = socket;
    socket.on('connect', () => {
      this.set({ connected: true });
      void this.catchUp();
    });
    socket.on('disconnect', () => this.set({ connected: false }));
    socket.on('connect_error', () => this.set({ connected: false }));
    socket.on('message', (payload: { message: Message }, ack?: (value: unknown) => void) => {
      ack?.({ ok: true });
      this.upsert([payload.message]);
      if (payload.message.kind === 'out') {
        this.set({ agentTyping: false, unread: this.panelOpen && !document.hidden ? 0 : this.state.unread + 1 });
        this.markRead();
      }
    });
    socket.on('message:status', (payload: { messageId: string; delivery: Message['delivery'] }) => {
      this.set({
        messages: this.state.messages.map((shown) =>
          shown.message?.id === payload.messageId ? { ...shown, message: { ...shown.message, delivery: payload.delivery } } : shown,
        ),
      });
    });
    socket.on('typing', (payload: { typing: boolean }) => this.set({ agentTyping: payload.typing }));
    socket.on('queue', (payload: { conversationId: string; position: number; estimatedWaitSeconds: number | null }) => {
      if (!this.state.conversation || payload.conversationId === this.state.conversation.id) {
        this.set({ queue: { position: payload.position, estimatedWaitSeconds: payload.estimatedWaitSeconds } });
      }
    });
    socket.on('conversation', (payload: { conversation: Conversation }) => {
      if (!this.state.conversation || payload.conversation.id === this.state.conversation.id || payload.conversation.state !== 'resolved') {
        this.set({ conversation: payload.conversation, ...(payload.conversation.state !== 'queued' ? { queue: null } : {}) });
      }
    });
  }

  /** First load: the history; after a reconnect: what was missed, then resend what is pending. */
  private async catchUp(): Promise<void> {
    const conversation = this.state.conversation;
    const lastSeq = Math.max(0, ...this.state.messages.map((shown) => shown.message?.seq ?? 0));
    if (conversation && lastSeq > 0) {
      const missed = await this.emit<{ messages: Message[] }>('sync', { conversationId: conversation.id, afterSeq: lastSeq });
      if (missed.ok) this.upsert(missed.data.messages);
    } else {
      const history = await this.emit<{ conversation: Conversation | null; messages: Message[] }>('history');
      if (history.ok) {
        this.set({ conversation: history.data.conversation });
        this.upsert(history.data.messages);
      }
    }
    for (const shown of this.state.messages) if (shown.pending) void this.deliver(shown.pending.clientMessageId);
    this.markRead();
  }

  private emit<T>(event: string, payload?: unknown): Promise<Ack<T>> {
    const socket = this.socket;
    if (!socket) return Promise.resolve({ ok: false, error: { code: 'offline', message: 'not connected' } });
    const timed = socket.timeout(15_000);
    const sent = payload === undefined ? timed.emitWithAck(event) : timed.emitWithAck(event, payload);
    return (sent as Promise<Ack<T>>).catch(
      () => ({ ok: false, error: { code: 'timeout', message: 'no answer from the server' } }) as Ack<T>,
    );
  }

  /** Adds stored messages, replacing their pending copies; keeps seq order, no duplicates. */
  private upsert(incoming: Message[]): void {
    let messages = this.state.messages;
    for (const message of incoming) {
      messages = messages.filter((shown) => shown.message?.id !== message.id && shown.pending?.clientMessageId !== message.clientMessageId);
      messages.push({ key: message.id, message });
    }
    const stored = messages.filter((shown) => shown.message).sort((a, b) => a.message!.seq - b.message!.seq);
    const pending = messages.filter((shown) => shown.pending);
    this.set({ messages: [...stored, ...pending] });
  }

  send(text: string, attachmentIds: string[] = [], preChat?: Record<string, string>): void {
    const clientMessageId = newId();
    this.set({
      messages: [
        ...this.state.messages,
        { key: clientMessageId, pending: { clientMessageId, text, attachmentIds, preChat, failed: false } },
      ],
    });
    void this.deliver(clientMessageId);
  }

  /** (Re)sends a pending message; the same client id makes a retry harmless. */
  async deliver(clientMessageId: string): Promise<void> {
    const shown = this.state.messages.find((item) => item.pending?.clientMessageId === clientMessageId);
    if (!shown?.pending) return;
    const { text, attachmentIds, preChat } = shown.pending;
    this.setPending(clientMessageId, false);
    await this.connect().catch(() => undefined);
    const result = await this.emit<{ message: Message; conversation: Conversation }>('message:send', {
      clientMessageId,
      text,
      attachmentIds,
      ...(preChat ? { preChat } : {}),
    });
    if (result.ok) {
      this.set({ conversation: result.data.conversation, error: null });
      this.upsert([result.data.message]);
    } else {
      this.setPending(clientMessageId, true);
      this.set({ error: result.error.message });
    }
  }

  private setPending(clientMessageId: string, failed: boolean): void {
    this.set({
      messages: this.state.messages.map((shown) =>
        shown.pending?.clientMessageId === clientMessageId ? { ...shown, pending: { ...shown.pending, failed } } : shown,
      ),
    });
  }

  typing(): void {
    if (!this.typingTimer) this.socket?.emit('typing', { typing: true });
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => {
      this.typingTimer = undefined;
      this.socket?.emit('typing', { typing: false });
    }, 2500);
  }

  /** Tells the server the visitor has seen everything shown, when the panel is open and visible. */
  markRead(): void {
    if (!this.panelOpen || document.visibilityState === 'hidden') return;
    const latest = [...this.state.messages].reverse().find((shown) => shown.message)?.message;
    if (latest) void this.emit('read', { conversationId: latest.conversationId, upToSeq: latest.seq });
    if (this.state.unread) this.set({ unread: 0 });
  }

  async upload(file: File): Promise<string> {
    await this.connect();
    return (await this.api.upload(this.token!, file)).id;
  }

  async rate(rating: number, comment: string): Promise<Ack<{ conversation: Conversation }>> {
    const conversation = this.state.conversation;
    if (!conversation) return { ok: false, error: { code: 'no_conversation', message: 'no conversation' } };
    const result = await this.emit<{ conversation: Conversation }>('csat:submit', { conversationId: conversation.id, rating, comment });
    if (result.ok) this.set({ conversation: result.data.conversation });
    return result;
  }

  async leaveMessage(input: { name?: string; email?: string; phone?: string; text: string }): Promise<Ack<{ conversationId: string }>> {
    await this.connect();
    return this.emit('offline:submit', { clientMessageId: newId(), ...input });
  }

  identify(identity: Identity): void {
    this.identity = identity;
    this.socket?.close();
    this.socket = null;
    void this.connect();
  }
}

/** localStorage may be unavailable (privacy modes, sandboxed frames): then the visitor lasts a page view. */
const safeStorage = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string): void {
    try {
      localStorage.setItem(key, value);
    } catch {
      // not persisted; fine
    }
  },
};
