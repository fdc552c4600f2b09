import type { Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { StoredEmailSettings } from '../../modules/inboxes/email-settings.js';
import type { SecretBox } from '../../platform/secrets.js';
import { smtpTransport } from './transport.js';

type SmtpSettings = NonNullable<StoredEmailSettings['smtp']>;

/** How long an inbox's SMTP connections stay open with nothing to send. */
const IDLE_CLOSE_MS = 60_000;

interface Entry {
  /** The settings it was made with: changed settings get a new transport. */
  key: string;
  transport: Transporter;
  sending: number;
  idle?: NodeJS.Timeout;
}

/**
 * One pooled SMTP transport per inbox (nodemailer's pool: a few connections, each reused for
 * many messages). A burst of replies pays for the connection, TLS handshake and login once, not
 * per message. Changed settings replace the transport; a minute with nothing to send closes it.
 */
export class SmtpTransports {
  private readonly byInbox = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly secrets: SecretBox) {}

  async send(inboxId: string, settings: SmtpSettings, mail: Mail.Options): Promise<void> {
    // Stopping: a transient failure, so the outbox hands the message to a node still running.
    if (this.closed) throw new Error('the server is stopping; the message will be retried');
    const entry = this.entryFor(inboxId, settings);
    entry.sending += 1;
    clearTimeout(entry.idle);
    try {
      await entry.transport.sendMail(mail);
    } finally {
      entry.sending -= 1;
      if (entry.sending === 0) {
        entry.idle = setTimeout(() => this.drop(inboxId, entry), IDLE_CLOSE_MS);
        entry.idle.unref();
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const [inboxId, entry] of this.byInbox) this.drop(inboxId, entry);
  }

  private entryFor(inboxId: string, settings: SmtpSettings): Entry {
    const key = JSON.stringify([settings.host, settings.port, settings.security, settings.user ?? null, settings.passwordEnc]);
    const current = this.byInbox.get(inboxId);
    if (current?.key === key) return current;
    // Settings changed: messages in flight finish on the old transport (nodemailer closes it after them).
    if (current) this.drop(inboxId, current);
    const entry: Entry = { key, transport: smtpTransport(settings, this.secrets, { pooled: true }), sending: 0 };
    this.byInbox.set(inboxId, entry);
    return entry;
  }

  private drop(inboxId: string, entry: Entry): void {
    clearTimeout(entry.idle);
    if (this.byInbox.get(inboxId) === entry) this.byInbox.delete(inboxId);
    entry.transport.close();
  }
}
