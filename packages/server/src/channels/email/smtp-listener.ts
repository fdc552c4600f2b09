import { SMTPServer } from 'smtp-server';
import type { Logger } from 'pino';

/**
 * Limits of the inbound SMTP listener. It is a mail drop for an MTA that forwards to Huiliu, so
 * one client needs few connections and a forwarded mail few recipients (RFC 5321 asks servers
 * to take at least 100); beyond them a client is told to come back (421 / 452), as MTAs expect.
 */
export const INBOUND_SMTP_LIMITS = {
  connections: 100,
  connectionsPerClient: 10,
  recipientsPerMessage: 100,
  /** An idle or trickling client is dropped after this long. */
  socketTimeoutMs: 60_000,
};

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * An SMTP server that hands each whole message to `deliver`, answering 250 once it is stored.
 * A message over `maxMessageBytes` is refused with 552 and none of it is kept: smtp-server
 * counts the bytes (`size`, announced in EHLO and checked against `SIZE=` in MAIL FROM) and we
 * stop buffering once it is over, so a huge mail costs neither memory nor disk.
 */
export function inboundSmtpServer(options: { maxMessageBytes: number; deliver: (raw: Buffer) => Promise<void>; log: Logger }): SMTPServer {
  const perClient = new Map<string, number>();
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'Huiliu inbound mail',
    size: options.maxMessageBytes,
    rejectOversized: true,
    maxClients: INBOUND_SMTP_LIMITS.connections,
    socketTimeout: INBOUND_SMTP_LIMITS.socketTimeoutMs,
    onConnect(session, callback) {
      const open = (perClient.get(session.remoteAddress) ?? 0) + 1;
      perClient.set(session.remoteAddress, open);
      if (open > INBOUND_SMTP_LIMITS.connectionsPerClient)
        return callback(smtpError(421, 'too many connections from you, try again later'));
      callback();
    },
    onClose(session) {
      const open = (perClient.get(session.remoteAddress) ?? 1) - 1;
      if (open > 0) perClient.set(session.remoteAddress, open);
      else perClient.delete(session.remoteAddress);
    },
    onRcptTo(_address, session, callback) {
      if (session.envelope.rcptTo.length >= INBOUND_SMTP_LIMITS.recipientsPerMessage)
        return callback(smtpError(452, 'too many recipients'));
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk);
        else chunks.length = 0;
      });
      stream.on('error', callback);
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          options.log.warn({ limit: options.maxMessageBytes }, 'inbound SMTP message refused: over the size limit');
          return callback(smtpError(552, `message exceeds the maximum size of ${options.maxMessageBytes} bytes`));
        }
        options.deliver(Buffer.concat(chunks)).then(
          () => callback(),
          (error: unknown) => {
            options.log.error({ err: error }, 'inbound SMTP message not stored');
            callback(smtpError(451, 'temporary failure, try again later'));
          },
        );
      });
    },
  });
}
