import type { SMTPServer } from 'smtp-server';
import { and, eq, sql } from 'drizzle-orm';
import type { ImapFlow } from 'imapflow';
import type pg from 'pg';
import type { AppContext } from '../../platform/context.js';
import { storedEmailSettings, type StoredEmailSettings } from '../../modules/inboxes/email-settings.js';
import { inboxes } from '../../modules/inboxes/schema.js';
import type { InboxRow } from '../connector.js';
import { ingestEmail, recordFailedImport } from './ingest.js';
import { inboundSmtpServer } from './smtp-listener.js';
import { emailMailboxState } from './schema.js';
import { classifyConnectionError, imapClient } from './transport.js';

type FetcherContext = Pick<AppContext, 'db' | 'pool' | 'storage' | 'realtime' | 'logger' | 'secrets'>;

/** Advisory-lock namespace for "this node fetches this inbox" (second key: hash of the inbox id). */
const FETCH_LOCK_NAMESPACE = 7_426_101;

/**
 * Brings mail in: for every enabled email inbox with IMAP settings, one node at a time (a
 * PostgreSQL advisory lock per inbox) keeps an IMAP session that imports new messages by UID,
 * then waits in IDLE for new mail, with a poll every `pollMs` as the fallback. Progress
 * (UIDVALIDITY + last UID) is stored after each message, and import is idempotent on
 * Message-ID, so a restart or a crash neither re-imports nor skips. Inboxes with the inbound
 * SMTP listener enabled get a small SMTP server on their port.
 */
export class EmailChannel {
  private readonly sessions = new Map<string, Promise<void>>();
  private readonly listeners = new Map<string, { key: string; server: SMTPServer }>();
  private readonly wakers = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopped = false;
  private readonly log;

  constructor(
    private readonly ctx: FetcherContext,
    private readonly pollMs: number,
    private readonly options: { smtpHost: string },
  ) {
    this.log = ctx.logger.child({ component: 'email' });
  }

  start(): void {
    this.timer = setInterval(() => this.refresh(), this.pollMs);
    this.refresh();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const wake of this.wakers) wake();
    await this.refreshing;
    await Promise.all(this.sessions.values());
    await Promise.all([...this.listeners.values()].map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }

  private refresh(): void {
    if (this.stopped || this.refreshing) return;
    this.refreshing = this.refreshOnce()
      .catch((error: unknown) => this.log.error({ err: error }, 'email refresh failed'))
      .finally(() => (this.refreshing = undefined));
  }

  private async refreshOnce(): Promise<void> {
    const rows = await this.ctx.db
      .select()
      .from(inboxes)
      .where(and(eq(inboxes.kind, 'email'), eq(inboxes.enabled, true)));
    for (const inbox of rows) {
      const settings = storedEmailSettings(inbox.settings);
      if (settings.imap && !this.sessions.has(inbox.id)) {
        const session = this.session(inbox.id)
          .catch((error: unknown) => this.log.error({ err: error, inboxId: inbox.id }, 'email session failed'))
          .finally(() => this.sessions.delete(inbox.id));
        this.sessions.set(inbox.id, session);
      }
    }
    await this.refreshListeners(rows);
    // Sessions already running check their inbox each round; wake them for a poll.
    for (const wake of this.wakers) wake();
  }

  private async refreshListeners(rows: InboxRow[]): Promise<void> {
    const wanted = new Map<string, { inbox: InboxRow; key: string }>();
    for (const inbox of rows) {
      const settings = storedEmailSettings(inbox.settings);
      const smtp = settings.inboundSmtp;
      if (smtp?.enabled) wanted.set(inbox.id, { inbox, key: `${smtp.port}/${settings.maxMessageBytes}` });
    }
    for (const [inboxId, running] of this.listeners) {
      if (wanted.get(inboxId)?.key === running.key) continue;
      this.listeners.delete(inboxId);
      await new Promise<void>((resolve) => running.server.close(() => resolve()));
    }
    for (const [inboxId, { inbox, key }] of wanted) {
      if (this.listeners.has(inboxId)) continue;
      const settings = storedEmailSettings(inbox.settings);
      const server = this.smtpListener(inboxId, settings.maxMessageBytes);
      server.on('error', (error) => this.log.error({ err: error, inboxId }, 'inbound SMTP listener error'));
      this.listeners.set(inboxId, { key, server });
      const port = settings.inboundSmtp!.port;
      // On the configured interface only (HOST, or INBOUND_SMTP_HOST): never all of them by default.
      server.listen(port, this.options.smtpHost, () =>
        this.log.info({ inboxId, host: this.options.smtpHost, port }, 'inbound SMTP listener started'),
      );
    }
  }

  /** Mail forwarded to Huiliu by SMTP: accepted once it is stored (or kept as a failed import). */
  private smtpListener(inboxId: string, maxMessageBytes: number): SMTPServer {
    return inboundSmtpServer({
      maxMessageBytes,
      log: this.log.child({ inboxId }),
      deliver: async (raw) => {
        const inbox = await this.loadInbox(inboxId);
        if (!inbox) throw new Error('this inbox no longer accepts mail');
        await ingestEmail(this.ctx, inbox, raw, 'smtp');
      },
    });
  }

  private async loadInbox(inboxId: string): Promise<InboxRow | undefined> {
    const [row] = await this.ctx.db
      .select()
      .from(inboxes)
      .where(and(eq(inboxes.id, inboxId), eq(inboxes.kind, 'email'), eq(inboxes.enabled, true)));
    return row;
  }

  /** While this node holds the inbox's lock: connect, import, wait for mail (IDLE or poll), repeat. */
  private async session(inboxId: string): Promise<void> {
    const lockClient: pg.PoolClient = await this.ctx.pool.connect();
    // A checked-out client that loses its connection emits 'error' with nobody listening, which
    // would crash the process; the lock is gone with it, so end this session and start afresh.
    let lockLost = false;
    lockClient.on('error', (error) => {
      lockLost = true;
      this.log.warn({ err: error, inboxId }, 'fetch lock connection lost');
    });
    let locked = false;
    try {
      const result = await lockClient.query<{ locked: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as locked', [
        FETCH_LOCK_NAMESPACE,
        inboxId,
      ]);
      locked = result.rows[0]!.locked;
      if (!locked) return; // another node fetches this inbox
      let inbox = await this.loadInbox(inboxId);
      while (inbox && !this.stopped && !lockLost) {
        const settings = storedEmailSettings(inbox.settings);
        if (!settings.imap) return;
        const configKey = JSON.stringify(settings.imap);
        const imap = imapClient(settings.imap, this.ctx.secrets);
        imap.on('error', (error: unknown) =>
          this.log.warn({ inboxId, error: classifyConnectionError(error).kind }, 'IMAP connection error'),
        );
        try {
          await imap.connect();
          const mailbox = await imap.mailboxOpen(settings.imap.folder);
          while (!this.stopped && imap.usable && !lockLost) {
            await this.importNew(imap, inbox, settings, Number(mailbox.uidValidity));
            await this.waitForMail(imap);
            inbox = await this.loadInbox(inboxId);
            if (!inbox || JSON.stringify(storedEmailSettings(inbox.settings).imap) !== configKey) break;
          }
        } catch (error) {
          const { kind, message } = classifyConnectionError(error);
          this.log.warn({ inboxId, kind, message }, 'IMAP session ended; will retry');
          await this.pause(Math.min(this.pollMs, 30_000));
        } finally {
          await imap.logout().catch(() => imap.close());
        }
        if (!this.stopped) inbox = await this.loadInbox(inboxId);
      }
    } finally {
      if (locked)
        await lockClient.query('select pg_advisory_unlock($1, hashtext($2))', [FETCH_LOCK_NAMESPACE, inboxId]).catch(() => undefined);
      lockClient.release();
    }
  }

  /** Imports every message above the stored last UID, in UID order, recording progress after each. */
  private async importNew(imap: ImapFlow, inbox: InboxRow, settings: StoredEmailSettings, uidValidity: number): Promise<void> {
    const folder = settings.imap!.folder;
    const [state] = await this.ctx.db
      .insert(emailMailboxState)
      .values({ workspaceId: inbox.workspaceId, inboxId: inbox.id, mailbox: folder, uidValidity, lastUid: 0 })
      .onConflictDoUpdate({
        target: [emailMailboxState.inboxId, emailMailboxState.mailbox],
        // A new UIDVALIDITY renumbered the mailbox: start over; Message-ID idempotency keeps it from re-importing.
        set: {
          uidValidity,
          lastUid: sql`case when ${emailMailboxState.uidValidity} = ${uidValidity} then ${emailMailboxState.lastUid} else 0 end`,
        },
      })
      .returning();
    let lastUid = state!.lastUid;
    const pending = (await imap.fetchAll(`${lastUid + 1}:*`, { uid: true, size: true }, { uid: true }))
      .filter((message) => message.uid > lastUid)
      .sort((a, b) => a.uid - b.uid);
    for (const message of pending) {
      if (this.stopped) return;
      const source = `imap:${folder}:${uidValidity}:${message.uid}`;
      if ((message.size ?? 0) > settings.maxMessageBytes) {
        const head = await imap.fetchOne(String(message.uid), { headers: true }, { uid: true });
        const headers = head && head.headers ? head.headers : Buffer.from('');
        await recordFailedImport(
          this.ctx,
          inbox,
          headers,
          source,
          `the message is ${message.size} bytes, over this inbox's limit of ${settings.maxMessageBytes}; only its headers are kept`,
        );
      } else {
        const full = await imap.fetchOne(String(message.uid), { source: true }, { uid: true });
        if (full && full.source) await ingestEmail(this.ctx, inbox, full.source, source);
      }
      if (settings.imap!.markSeen) await imap.messageFlagsAdd(String(message.uid), ['\\Seen'], { uid: true });
      lastUid = message.uid;
      await this.ctx.db
        .update(emailMailboxState)
        .set({ lastUid, updatedAt: sql`now()` })
        .where(and(eq(emailMailboxState.id, state!.id), eq(emailMailboxState.uidValidity, uidValidity)));
    }
  }

  /** Until the server announces new mail (IDLE), the poll interval passes, or we stop. */
  private waitForMail(imap: ImapFlow): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        imap.off('exists', done);
        imap.off('close', done);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      imap.on('exists', done);
      imap.on('close', done);
      this.wakers.add(done);
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}
