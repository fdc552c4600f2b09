import { io, type Socket } from 'socket.io-client';
import type { Api } from './api.js';
import { attachmentProblem } from './attachment-policy.js';
import { describeError, isTransient, WidgetError } from './errors.js';
import { newClientMessageId } from './ids.js';
import { safeStorage } from './storage.js';
import { Store } from './store.js';
import {
  applyDelivery,
  countUnreadReplies,
  findPending,
  highestSeq,
  mergeMessages,
  updatePending,
  type Entry,
  type Outgoing,
} from './timeline.js';
import type {
  Ack,
  Config,
  Conversation,
  ConversationEvent,
  DeliveryState,
  History,
  Identity,
  Message,
  MessageEvent,
  MessageStatusEvent,
  QueueEvent,
  TypingEvent,
} from './types.js';

export interface ChatState {
  config: Config | null;
  panelOpen: boolean;
  /** The visitor's current (or latest, possibly resolved) conversation. */
  conversation: Conversation | null;
  entries: Entry[];
  connection: 'idle' | 'connecting' | 'online' | 'reconnecting';
  /** The session was refused (identity required or invalid…): the chat cannot start; in words. */
  sessionProblem: string | null;
  /** The last failed action that is not a message bubble's own (a file refused, a rating not saved…). */
  notice: string | null;
  agentTyping: { name: string | null } | null;
  unread: number;
  queue: { position: number; estimatedWaitSeconds: number | null } | null;
  offlineSubmitted: boolean;
  /** The conversation id the visitor rated in this page view: thank them instead of asking again. */
  ratedConversationId: string | null;
  /** The email address this visitor proved with a one-time code (remembered with the visitor token). */
  verifiedEmail: string | null;
  /** The host site signed this visitor in (a verified identity): their tickets can be shown. */
  signedIn: boolean;
}

const ACK_TIMEOUT_MS = 10_000;
const CONNECT_WAIT_MS = 5_000;
/** The agent's "typing" fades by itself if its "stopped" is lost. */
const AGENT_TYPING_TTL_MS = 8_000;
/** Our own "typing": re-announced while the visitor keeps typing, withdrawn after a pause. */
const TYPING_REPEAT_MS = 4_000;
const TYPING_IDLE_MS = 3_000;
const MAX_AUTOMATIC_RETRIES = 5;
const CONFIG_MAX_AGE_MS = 60_000;
const INITIAL_SESSION_RETRY_MS = 500;
/**
 * `sync` answers at most a page of messages (500 on the server today, not part of the contract):
 * a full-looking page means there may be more, so ask again after it.
 */
const SYNC_PAGE_HINT = 100;
const MAX_SYNC_PAGES = 20;

const offlineAck = <T>(): Ack<T> => ({ ok: false, error: { code: 'offline', message: 'not connected' } });

/**
 * The widget's model, with no UI in it: starts the visitor session, keeps the socket, holds the
 * timeline in order without duplicates, resends unsent messages with their first client id,
 * and catches up with `sync` after every reconnect.
 */
export class ChatClient {
  readonly store = new Store<ChatState>({
    config: null,
    panelOpen: false,
    conversation: null,
    entries: [],
    connection: 'idle',
    sessionProblem: null,
    notice: null,
    agentTyping: null,
    unread: 0,
    queue: null,
    offlineSubmitted: false,
    ratedConversationId: null,
    verifiedEmail: null,
    signedIn: false,
  });

  private socket: Socket | null = null;
  private starting: Promise<void> | null = null;
  private token: string | null;
  private configLoadedAt = 0;
  private readonly inFlight = new Set<string>();
  private readonly retries = new Map<string, number>();
  /** Status events that arrived before their message (e.g. read before our ack came back). */
  private readonly earlyDelivery = new Map<string, DeliveryState>();
  private readonly readUpTo = new Map<string, number>();
  private offlineClientMessageId: string | null = null;
  private sessionRetryMs = INITIAL_SESSION_RETRY_MS;
  private typingSentAt = 0;
  private typingIdleTimer: ReturnType<typeof setTimeout> | undefined;
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: Api,
    private readonly origin: string,
    private readonly tokenStorageKey: string,
    private identity: Identity | undefined,
  ) {
    this.token = safeStorage.get(tokenStorageKey);
    if (this.token) this.store.set({ verifiedEmail: safeStorage.get(this.verifiedEmailKey) || null });
  }

  private get verifiedEmailKey(): string {
    return `${this.tokenStorageKey}:verified-email`;
  }

  get state(): ChatState {
    return this.store.state;
  }

  /** Someone (a returning visitor, or a signed-in user whose signature should be used while fresh) to start at once. */
  get shouldStartEarly(): boolean {
    return Boolean(this.token || this.identity);
  }

  /** Server-relative URLs (attachments) made absolute, http(s) only: the widget runs on someone else's page. */
  absoluteUrl(url: string): string | null {
    try {
      const absolute = new URL(url, this.origin);
      return absolute.protocol === 'https:' || absolute.protocol === 'http:' ? absolute.href : null;
    } catch {
      return null;
    }
  }

  /** Help-center articles for a question, before a chat starts (links made absolute, http(s) only). */
  async searchArticles(query: string): Promise<{ id: string; title: string; url: string }[]> {
    const { articles } = await this.api.articles(query);
    return articles.flatMap((article) => {
      const url = this.absoluteUrl(article.url);
      return url ? [{ ...article, url }] : [];
    });
  }

  // ---- configuration and session ----

  async loadConfig(attempt = 1): Promise<void> {
    try {
      this.store.set({ config: await this.api.config() });
      this.configLoadedAt = Date.now();
    } catch (error) {
      const code = error instanceof WidgetError ? error.code : 'unknown';
      if (isTransient(code) && attempt < 4) {
        setTimeout(() => void this.loadConfig(attempt + 1), 2_000 * attempt);
        return;
      }
      // Without a config there is nothing to show; tell the site's developer, not the visitor.
      console.warn(`[huiliu] could not load the chat settings: ${(error as Error).message}`);
    }
  }

  /** Starts (or resumes) the visitor and opens the socket; safe to call again and again. */
  start(): Promise<void> {
    if (this.state.config?.requireIdentity && !this.identity) {
      this.store.set({ sessionProblem: describeError('identity_required') });
      return Promise.reject(new WidgetError('identity_required', 'identity required'));
    }
    this.starting ??= this.startSession().catch((error: unknown) => {
      this.starting = null;
      const code = error instanceof WidgetError ? error.code : 'unknown';
      if (isTransient(code)) {
        // The network or the server is down for now: say so, keep the composer, and try again.
        this.store.set({ connection: 'reconnecting' });
        this.sessionRetryMs = Math.min(this.sessionRetryMs * 2, 30_000);
        setTimeout(() => {
          if (!this.socket && (this.state.panelOpen || this.token)) void this.start().catch(() => undefined);
        }, this.sessionRetryMs);
      } else {
        // Refused (identity required or invalid, unknown inbox…): the chat cannot start; say why.
        this.store.set({ sessionProblem: describeError(code, (error as Error).message), connection: 'idle' });
      }
      throw error;
    });
    return this.starting;
  }

  private async startSession(): Promise<void> {
    this.store.set({ connection: 'connecting', sessionProblem: null });
    const session = await this.api.startSession(this.token, this.identity);
    if (this.token && session.visitorToken !== this.token) {
      this.forgetVisitor();
      // A proof belongs to the visitor who gave it.
      this.store.set({ verifiedEmail: null });
      safeStorage.set(this.verifiedEmailKey, '');
    }
    this.token = session.visitorToken;
    this.store.set({ signedIn: session.verified });
    safeStorage.set(this.tokenStorageKey, session.visitorToken);
    this.openSocket(session.visitorToken);
  }

  /** A different visitor now (new identity, or the old token was no longer valid): their history is not ours. */
  private forgetVisitor(): void {
    this.readUpTo.clear();
    this.store.set({
      conversation: null,
      entries: this.state.entries.filter((entry) => entry.type === 'pending'),
      unread: 0,
      queue: null,
      agentTyping: null,
      ratedConversationId: null,
    });
  }

  /** `window.Huiliu.identify()`: the host site signed the visitor in; continue as that user. */
  identify(identity: Identity): void {
    this.identity = identity;
    this.closeSocket();
    void this.start().catch(() => undefined);
  }

  private closeSocket(): void {
    this.socket?.removeAllListeners();
    this.socket?.close();
    this.socket = null;
    this.starting = null;
  }

  // ---- the socket ----

  private openSocket(visitorToken: string): void {
    const socket = io(`${this.origin}/widget`, {
      auth: { visitorToken },
      // WebSocket first; long-polling when a proxy blocks it.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
    });
    this.socket = socket;

    socket.on('connect', () => {
      this.sessionRetryMs = INITIAL_SESSION_RETRY_MS;
      this.store.set({ connection: 'online' });
      void this.catchUp();
    });
    socket.on('disconnect', (reason) => {
      this.store.set({ connection: 'reconnecting', agentTyping: null });
      // The server hung up on purpose (e.g. a restart): Socket.IO leaves reconnecting to us.
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1_000);
    });
    socket.on('connect_error', () => {
      this.store.set({ connection: 'reconnecting' });
      // Refused by the server's authentication, which Socket.IO does not retry: start the session
      // again with the same token and let the server decide (same visitor, or a new one if the
      // token is gone). Unsent messages stay and go out on the new socket.
      if (!socket.active && this.socket === socket) {
        this.closeSocket();
        this.sessionRetryMs = Math.min(this.sessionRetryMs * 2, 30_000);
        setTimeout(() => void this.start().catch(() => undefined), this.sessionRetryMs);
      }
    });

    socket.on('message', (event: MessageEvent, ack?: (answer: Ack<null>) => void) => {
      // Acknowledging is what marks an agent's reply `delivered`.
      ack?.({ ok: true, data: null });
      this.receive([event.message]);
      const fromUs = event.message.kind === 'in';
      if (event.message.kind === 'out') {
        this.clearAgentTyping();
        // Someone is answering: the place in the queue is no longer news.
        if (this.state.queue) this.store.set({ queue: null });
        if (!this.isVisible()) this.store.set({ unread: this.state.unread + 1 });
      }
      if (!fromUs) this.markRead();
    });
    socket.on('message:status', (event: MessageStatusEvent) => {
      const entries = applyDelivery(this.state.entries, event.messageId, event.delivery);
      if (entries) this.store.set({ entries });
      else this.earlyDelivery.set(event.messageId, event.delivery);
    });
    socket.on('typing', (event: TypingEvent) => {
      if (!event.typing) return this.clearAgentTyping();
      clearTimeout(this.agentTypingTimer);
      this.agentTypingTimer = setTimeout(() => this.clearAgentTyping(), AGENT_TYPING_TTL_MS);
      this.store.set({ agentTyping: { name: event.name } });
    });
    socket.on('conversation', (event: ConversationEvent) => this.adoptConversation(event.conversation));
    socket.on('queue', (event: QueueEvent) => {
      if (!this.state.conversation || event.conversationId === this.state.conversation.id) {
        this.store.set({ queue: { position: event.position, estimatedWaitSeconds: event.estimatedWaitSeconds } });
      }
    });
  }

  /** Takes a conversation update unless it is about an older conversation than the one shown. */
  private adoptConversation(conversation: Conversation): void {
    const current = this.state.conversation;
    if (current && current.id !== conversation.id && conversation.createdAt < current.createdAt) return;
    this.store.set({
      conversation,
      ...(conversation.state !== 'queued' ? { queue: null } : {}),
      ...(conversation.state === 'resolved' ? { agentTyping: null } : {}),
    });
  }

  /**
   * After every (re)connect: the history the first time, otherwise `sync` after the highest seq
   * held, so nothing missed while away is lost and nothing is shown twice; then the unsent go out.
   */
  private async catchUp(): Promise<void> {
    const conversation = this.state.conversation;
    const afterSeq = conversation ? highestSeq(this.state.entries, conversation.id) : 0;
    if (conversation && afterSeq > 0) {
      await this.syncAfter(conversation, afterSeq);
    } else {
      await this.loadHistory();
      if (!this.isVisible()) this.store.set({ unread: countUnreadReplies(this.state.entries) });
    }
    for (const entry of this.state.entries) {
      if (entry.type !== 'pending') continue;
      // A fresh connection earns the message its automatic retries again.
      this.retries.delete(entry.outgoing.clientMessageId);
      if (entry.status === 'waiting' || entry.status === 'sending') void this.deliver(entry.outgoing.clientMessageId);
    }
    this.markRead();
  }

  /** Everything after `afterSeq`, page by page, then what it says about the conversation's state. */
  private async syncAfter(conversation: Conversation, afterSeq: number): Promise<void> {
    let after = afterSeq;
    for (let page = 0; page < MAX_SYNC_PAGES; page++) {
      const missed = await this.request<{ messages: Message[]; nextAfterSeq?: number | null }>('sync', {
        conversationId: conversation.id,
        afterSeq: after,
      });
      if (!missed.ok) return;
      this.receive(missed.data.messages);
      this.inferStateFromEvents(conversation, missed.data.messages);
      const next = missed.data.nextAfterSeq;
      // The server's cursor when it gives one (pages it fills with hidden rows are short); else a short page is the end.
      if (next === null || (next === undefined && missed.data.messages.length < SYNC_PAGE_HINT)) return;
      const highest = next ?? highestSeq(this.state.entries, conversation.id);
      if (highest <= after) return;
      after = highest;
    }
  }

  /** The current (or latest) conversation and its messages. */
  private async loadHistory(): Promise<void> {
    const history = await this.request<History>('history');
    if (!history.ok) return;
    if (history.data.conversation) this.adoptConversation(history.data.conversation);
    this.receive(history.data.messages);
    // A long conversation comes a page at a time.
    if (history.data.conversation && history.data.nextAfterSeq) await this.syncAfter(history.data.conversation, history.data.nextAfterSeq);
  }

  /**
   * `sync` returns messages only, not the conversation: a resolve (or reopen) that happened
   * while disconnected is read from the timeline events it left behind.
   */
  private inferStateFromEvents(conversation: Conversation, messages: Message[]): void {
    let updated = this.state.conversation?.id === conversation.id ? this.state.conversation : null;
    if (!updated) return;
    for (const message of messages) {
      if (message.conversationId !== conversation.id || message.kind !== 'event') continue;
      const type = message.event?.type;
      if (type === 'resolved') updated = { ...updated, state: 'resolved', resolvedAt: message.createdAt };
      else if ((type === 'reopened' || type === 'assigned') && updated.state === 'resolved')
        updated = { ...updated, state: 'assigned', resolvedAt: null };
    }
    if (updated !== this.state.conversation) this.adoptConversation(updated);
  }

  /** Stored messages in, from any path (event, ack, history, sync). */
  private receive(messages: Message[]): void {
    let entries = mergeMessages(this.state.entries, messages);
    for (const message of messages) {
      const early = this.earlyDelivery.get(message.id);
      if (!early) continue;
      this.earlyDelivery.delete(message.id);
      entries = applyDelivery(entries, message.id, early) ?? entries;
    }
    this.store.set({ entries });
  }

  /** An acknowledged request; never throws: a timeout or a lost connection is an error answer too. */
  private async request<T>(event: string, payload?: unknown): Promise<Ack<T>> {
    const socket = this.socket;
    if (!socket) return offlineAck<T>();
    if (!socket.connected) {
      // Give a (re)connecting socket a moment rather than failing at once.
      const connecting: Socket = socket;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          connecting.off('connect', done);
          resolve();
        };
        const timer = setTimeout(done, CONNECT_WAIT_MS);
        connecting.on('connect', done);
      });
      if (!socket.connected) return offlineAck<T>();
    }
    const timed = socket.timeout(ACK_TIMEOUT_MS);
    try {
      return (await (payload === undefined ? timed.emitWithAck(event) : timed.emitWithAck(event, payload))) as Ack<T>;
    } catch {
      return { ok: false, error: { code: 'timeout', message: 'no answer from the server' } };
    }
  }

  // ---- the panel ----

  setPanelOpen(open: boolean): void {
    if (open === this.state.panelOpen) return;
    this.store.set({ panelOpen: open });
    if (!open) return this.stopTyping();
    if (Date.now() - this.configLoadedAt > CONFIG_MAX_AGE_MS) void this.loadConfig();
    void this.start()
      .then(() => this.markRead())
      .catch(() => undefined);
    this.markRead();
  }

  /** The visitor can see the messages: the panel is open and the page is not in a background tab. */
  isVisible(): boolean {
    return this.state.panelOpen && document.visibilityState !== 'hidden';
  }

  /** Tells the server what the visitor has seen (it marks the agent's replies read) and clears the badge. */
  markRead(): void {
    if (!this.isVisible()) return;
    if (this.state.unread) this.store.set({ unread: 0 });
    const conversation = this.state.conversation;
    if (!conversation || !this.socket?.connected) return;
    const upToSeq = highestSeq(this.state.entries, conversation.id);
    const already = this.readUpTo.get(conversation.id) ?? 0;
    const hasNewReply = this.state.entries.some(
      (entry) =>
        entry.type === 'stored' &&
        entry.message.conversationId === conversation.id &&
        entry.message.kind === 'out' &&
        entry.message.seq > already,
    );
    if (upToSeq <= already || !hasNewReply) return;
    this.readUpTo.set(conversation.id, upToSeq);
    void this.request('read', { conversationId: conversation.id, upToSeq }).then((answer) => {
      // Not recorded: ask again next time.
      if (!answer.ok && this.readUpTo.get(conversation.id) === upToSeq) this.readUpTo.set(conversation.id, already);
    });
  }

  dismissNotice(): void {
    this.store.set({ notice: null });
  }

  // ---- sending ----

  send(text: string, preChat?: Record<string, string>): void {
    const trimmed = text.trim();
    if (!trimmed) return;
    this.stopTyping();
    // The "we got your message" card has done its job once the visitor writes on.
    if (this.state.offlineSubmitted) this.store.set({ offlineSubmitted: false });
    this.enqueue({ clientMessageId: newClientMessageId(), text: trimmed, attachments: [], ...(preChat ? { preChat } : {}) });
  }

  /** Checks the file against the inbox's limits first, then uploads it and sends it as a message. */
  sendFile(file: File): void {
    const config = this.state.config;
    const problem = config ? attachmentProblem(file, config.attachments) : null;
    if (problem) return this.store.set({ notice: problem });
    this.store.set({ notice: null });
    this.enqueue({ clientMessageId: newClientMessageId(), text: '', attachments: [], file });
  }

  private enqueue(outgoing: Outgoing): void {
    const entry: Entry = {
      type: 'pending',
      key: outgoing.clientMessageId,
      outgoing,
      status: outgoing.file ? 'uploading' : 'sending',
      error: null,
    };
    this.store.set({ entries: [...this.state.entries, entry] });
    void this.deliver(outgoing.clientMessageId);
  }

  /** "Retry" on a message that did not go. */
  retry(clientMessageId: string): void {
    this.retries.delete(clientMessageId);
    void this.deliver(clientMessageId);
  }

  /** (Re)sends one pending message; the same client message id makes a repeat harmless. */
  private async deliver(clientMessageId: string): Promise<void> {
    if (this.inFlight.has(clientMessageId)) return;
    const entry = findPending(this.state.entries, clientMessageId);
    if (!entry) return;
    this.inFlight.add(clientMessageId);
    let outgoing = entry.outgoing;
    try {
      this.setPending(clientMessageId, { status: outgoing.file ? 'uploading' : 'sending', error: null });
      await this.start();
      if (outgoing.file) {
        const attachment = await this.api.upload(this.token!, outgoing.file);
        outgoing = { ...outgoing, file: undefined, attachments: [attachment] };
        this.setPending(clientMessageId, { outgoing, status: 'sending' });
      }
      const answer = await this.request<{ message: Message; conversation: Conversation }>('message:send', {
        clientMessageId,
        text: outgoing.text,
        attachmentIds: outgoing.attachments.map((attachment) => attachment.id),
        ...(outgoing.preChat ? { preChat: outgoing.preChat } : {}),
      });
      if (answer.ok) {
        this.retries.delete(clientMessageId);
        this.adoptConversation(answer.data.conversation);
        this.receive([answer.data.message]);
      } else {
        this.failed(clientMessageId, answer.error.code, answer.error.message);
      }
    } catch (error) {
      const code = error instanceof WidgetError ? error.code : 'unknown';
      this.failed(clientMessageId, code, (error as Error).message);
    } finally {
      this.inFlight.delete(clientMessageId);
    }
  }

  /** Transient failures wait and go again by themselves; refusals are shown with their reason. */
  private failed(clientMessageId: string, code: string, serverMessage: string): void {
    const attempts = (this.retries.get(clientMessageId) ?? 0) + 1;
    this.retries.set(clientMessageId, attempts);
    if (isTransient(code) && attempts <= MAX_AUTOMATIC_RETRIES) {
      this.setPending(clientMessageId, { status: 'waiting', error: describeError(code, serverMessage) });
      // Try again after a growing pause, unless a socket is reconnecting: its `connect` resends it.
      if (!this.socket || this.socket.connected) setTimeout(() => void this.deliver(clientMessageId), 1_500 * attempts);
      return;
    }
    this.setPending(clientMessageId, { status: 'failed', error: describeError(code, serverMessage) });
  }

  private setPending(clientMessageId: string, change: Parameters<typeof updatePending>[2]): void {
    this.store.set({ entries: updatePending(this.state.entries, clientMessageId, change) });
  }

  // ---- typing ----

  /** Called on every keystroke in the composer; announces typing at most every few seconds. */
  typing(): void {
    const now = Date.now();
    if (this.socket?.connected && now - this.typingSentAt > TYPING_REPEAT_MS) {
      this.socket.emit('typing', { typing: true });
      this.typingSentAt = now;
    }
    clearTimeout(this.typingIdleTimer);
    this.typingIdleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping(): void {
    clearTimeout(this.typingIdleTimer);
    if (!this.typingSentAt) return;
    this.typingSentAt = 0;
    this.socket?.emit('typing', { typing: false });
  }

  private clearAgentTyping(): void {
    clearTimeout(this.agentTypingTimer);
    if (this.state.agentTyping) this.store.set({ agentTyping: null });
  }

  // ---- forms ----

  /** Rates the resolved conversation; returns what to tell the visitor if it did not work. */
  async rate(rating: number, comment: string): Promise<string | null> {
    const conversation = this.state.conversation;
    if (!conversation) return describeError('not_found');
    const answer = await this.request<{ conversation: Conversation }>('csat:submit', { conversationId: conversation.id, rating, comment });
    if (answer.ok) {
      this.store.set({ ratedConversationId: conversation.id });
      this.adoptConversation(answer.data.conversation);
      return null;
    }
    // Already rated (in another tab): nothing left to ask.
    if (answer.error.code === 'conflict') {
      this.store.set({ ratedConversationId: conversation.id });
      return null;
    }
    return describeError(answer.error.code, answer.error.message);
  }

  // ---- proving an email address (one-time code) ----

  /** Mails a code to the address; returns what to tell the visitor if that did not work. */
  async requestEmailCode(email: string): Promise<string | null> {
    try {
      await this.start();
      await this.api.requestCode(this.token!, email);
      return null;
    } catch (error) {
      return describeError(error instanceof WidgetError ? error.code : 'unknown', (error as Error).message);
    }
  }

  /**
   * Opens the customer's tickets in the help center's portal, signed in by a one-time link. The
   * tab is opened in the click itself, because browsers block a window opened after an await,
   * and pointed at the link once the server has given it.
   */
  async openPortal(): Promise<void> {
    const tab = window.open('', '_blank');
    try {
      await this.start();
      const { url } = await this.api.portalLink(this.token!);
      if (tab) {
        tab.opener = null;
        tab.location.href = url;
      } else window.open(url, '_blank', 'noopener');
    } catch (error) {
      tab?.close();
      this.store.set({ notice: describeError(error instanceof WidgetError ? error.code : 'unknown', (error as Error).message) });
    }
  }

  /**
   * Checks the code. When the address belonged to a customer already, the visitor now is that
   * customer: the server closes our socket, which reconnects by itself, and the history shown
   * is theirs from then on, so what is on screen is dropped and fetched again.
   */
  async verifyEmailCode(email: string, code: string): Promise<string | null> {
    try {
      const result = await this.api.verifyCode(this.token!, email, code);
      safeStorage.set(this.verifiedEmailKey, email);
      this.store.set({ verifiedEmail: email });
      if (result.merged) this.forgetVisitor();
      return null;
    } catch (error) {
      return describeError(error instanceof WidgetError ? error.code : 'unknown', (error as Error).message);
    }
  }

  /** The offline form; returns what to tell the visitor if it did not work. */
  async leaveMessage(input: { name?: string; email?: string; phone?: string; text: string }): Promise<string | null> {
    try {
      await this.start();
    } catch (error) {
      return describeError(error instanceof WidgetError ? error.code : 'unknown', (error as Error).message);
    }
    // One id for all attempts at the same note: a resubmit after a timeout is not stored twice.
    this.offlineClientMessageId ??= newClientMessageId();
    const answer = await this.request<{ conversationId: string }>('offline:submit', {
      clientMessageId: this.offlineClientMessageId,
      ...input,
    });
    if (!answer.ok) return describeError(answer.error.code, answer.error.message);
    this.offlineClientMessageId = null;
    this.store.set({ offlineSubmitted: true });
    // The answer names the new conversation but not the stored message: fetch both to show them.
    await this.loadHistory();
    return null;
  }
}
