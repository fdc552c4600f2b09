import { ImapFlow } from 'imapflow';
import nodemailer, { type Transporter } from 'nodemailer';
import type { SecretBox } from '../../platform/secrets.js';
import type { StoredEmailSettings } from '../../modules/inboxes/email-settings.js';

const TIMEOUT_MS = 15_000;
/** Parallel connections per inbox, and messages sent over one before it is renewed (servers cap either). */
const POOLED_CONNECTIONS = 3;
const MESSAGES_PER_CONNECTION = 100;

export type ConnectionErrorKind = 'auth_failed' | 'tls_failed' | 'host_unreachable' | 'timeout' | 'not_configured' | 'other';

const TLS_CODES =
  /^(ERR_SSL_|ERR_TLS_|EPROTO$|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ETLS$|HOSTNAME_MISMATCH)/;
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNRESET',
  'EDNS',
  'NoConnection',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ETIMEOUT', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);

/** Sorts a connection error from imapflow or nodemailer into what an admin can act on. */
export function classifyConnectionError(error: unknown): { kind: ConnectionErrorKind; message: string } {
  const err = error as { code?: string; authenticationFailed?: boolean; responseCode?: number; message?: string; cause?: unknown };
  const cause = err.cause as { code?: string } | undefined;
  const codes = [err.code, cause?.code].filter((code): code is string => typeof code === 'string');
  const text = String(err.message ?? error);
  if (err.authenticationFailed || codes.includes('EAUTH') || codes.includes('AUTHENTICATIONFAILED') || err.responseCode === 535)
    return { kind: 'auth_failed', message: 'the server refused the user name or password' };
  if (codes.some((code) => TLS_CODES.test(code)) || /\b(ssl|tls|certificate|wrong version number)\b/i.test(text))
    return { kind: 'tls_failed', message: `the secure connection failed (${text}); check the port and TLS / STARTTLS setting` };
  if (codes.some((code) => TIMEOUT_CODES.has(code)) || /timed? ?out/i.test(text))
    return { kind: 'timeout', message: 'the server did not answer in time; check the host, port and firewall' };
  if (codes.some((code) => UNREACHABLE_CODES.has(code)) || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH/.test(text))
    return { kind: 'host_unreachable', message: `cannot reach the server (${codes[0] ?? text}); check the host and port` };
  return { kind: 'other', message: text.slice(0, 500) };
}

function password(block: { passwordEnc: string | null }, secrets: SecretBox): string | undefined {
  return block.passwordEnc ? secrets.decrypt(block.passwordEnc) : undefined;
}

export function imapClient(settings: NonNullable<StoredEmailSettings['imap']>, secrets: SecretBox): ImapFlow {
  return new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    doSTARTTLS: settings.security === 'starttls' ? true : settings.security === 'none' ? false : undefined,
    auth: { user: settings.user, pass: password(settings, secrets) ?? '' },
    logger: false,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: 5 * 60_000,
    disableAutoIdle: false,
  });
}

/** `pooled`: keep a few connections open and send many messages over each (see SmtpTransports). */
export function smtpTransport(
  settings: NonNullable<StoredEmailSettings['smtp']>,
  secrets: SecretBox,
  options: { pooled?: boolean } = {},
): Transporter {
  const pass = password(settings, secrets);
  return nodemailer.createTransport({
    ...(options.pooled ? { pool: true, maxConnections: POOLED_CONNECTIONS, maxMessages: MESSAGES_PER_CONNECTION } : {}),
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    auth: settings.user ? { user: settings.user, pass: pass ?? '' } : undefined,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: 60_000,
    logger: false,
  });
}

/** Connects (and logs in) to the inbox's IMAP or SMTP server, then disconnects. */
export async function testConnection(
  settings: StoredEmailSettings,
  direction: 'imap' | 'smtp',
  secrets: SecretBox,
): Promise<{ ok: boolean; error: ConnectionErrorKind | null; message: string }> {
  const block = settings[direction];
  if (!block) return { ok: false, error: 'not_configured', message: `no ${direction.toUpperCase()} server is configured` };
  try {
    if (direction === 'imap') {
      const client = imapClient(settings.imap!, secrets);
      client.on('error', () => undefined);
      try {
        await client.connect();
        const status = await client.status(settings.imap!.folder, { messages: true });
        return {
          ok: true,
          error: null,
          message: `connected; ${settings.imap!.folder} holds ${status ? (status.messages ?? 0) : 0} messages`,
        };
      } finally {
        await client.logout().catch(() => client.close());
      }
    }
    const transport = smtpTransport(settings.smtp!, secrets);
    try {
      await transport.verify();
      return { ok: true, error: null, message: 'connected' };
    } finally {
      transport.close();
    }
  } catch (error) {
    const classified = classifyConnectionError(error);
    return { ok: false, error: classified.kind, message: classified.message };
  }
}
