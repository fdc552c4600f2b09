/**
 * Sending replies by SMTP: Huiliu's pooled per-inbox transport (SmtpTransports, a few
 * connections reused for many messages) against the baseline it replaced in the same run — a
 * new connection (and EHLO, and TLS and login where the server has them) for every message.
 * Both send the same messages to a real SMTP server on loopback (smtp-server), 8 at a time.
 *
 * `node --import tsx bench/email.ts`, or run() from a bench runner.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { SMTPServer } from 'smtp-server';
import { SmtpTransports } from '../packages/server/src/channels/email/smtp-pool.js';
import { smtpTransport } from '../packages/server/src/channels/email/transport.js';
import { SecretBox } from '../packages/server/src/platform/secrets.js';

const MESSAGES = 600;
const IN_FLIGHT = 8;

async function sink(): Promise<{ port: number; received: () => number; connections: () => number; close: () => Promise<void> }> {
  let received = 0;
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, received: () => received, connections: () => connections, close: () => new Promise((resolve) => server.close(resolve)) };
}

const mailFor = (i: number): Mail.Options => ({
  from: { name: '汇流客服', address: 'support@huiliu.bench' },
  to: `customer${i}@example.com`,
  subject: `Re: 订单问题 [#${1000 + i}]`,
  text: `您好，您的订单已经发货，单号 SF${100000 + i}。\n\n-- \n汇流商城客服中心`,
  html: `<!doctype html><html><body><p>您好，您的订单已经发货，单号 SF${100000 + i}。</p></body></html>`,
  messageId: `<huiliu.bench-${i}@huiliu.bench>`,
});

/** Sends MESSAGES mails with `send`, IN_FLIGHT at a time; messages per second. */
async function throughput(send: (mail: Mail.Options) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < MESSAGES) await send(mailFor(next++));
    }),
  );
  return MESSAGES / ((performance.now() - started) / 1000);
}

export async function run(): Promise<{ pooled: number; baseline: number; ratio: number }> {
  const secrets = new SecretBox(randomBytes(32));
  const server = await sink();
  const settings = {
    host: '127.0.0.1',
    port: server.port,
    security: 'none' as const,
    fromName: '汇流客服',
    fromAddress: 'support@huiliu.bench',
    replyTo: null,
    passwordEnc: null,
  };
  try {
    // Warm-up: JIT and the first connection on both paths.
    const warm = new SmtpTransports(secrets);
    await warm.send('warm', settings, mailFor(0));
    warm.close();

    const connectionsBefore = server.connections();
    const perMessage = await throughput(async (mail) => {
      const transport = smtpTransport(settings, secrets);
      try {
        await transport.sendMail(mail);
      } finally {
        transport.close();
      }
    });
    const baselineConnections = server.connections() - connectionsBefore;

    const transports = new SmtpTransports(secrets);
    const pooledBefore = server.connections();
    const pooled = await throughput((mail) => transports.send('inbox', settings, mail));
    const pooledConnections = server.connections() - pooledBefore;
    transports.close();

    const ratio = pooled / perMessage;
    console.log(`${MESSAGES} replies, ${IN_FLIGHT} at a time, to an SMTP server on loopback (no TLS, no login)`);
    console.log(`  per-message connection (baseline): ${perMessage.toFixed(0)} messages/s over ${baselineConnections} connections`);
    console.log(`  pooled per inbox (Huiliu):         ${pooled.toFixed(0)} messages/s over ${pooledConnections} connections`);
    console.log(`  ratio (pooled / baseline): ${ratio.toFixed(2)}`);
    const result = {
      pooled: Math.round(pooled),
      pooled_connections: pooledConnections,
      baseline: { per_message: Math.round(perMessage), connections: baselineConnections },
      ratio: Number(ratio.toFixed(2)),
    };
    console.log(JSON.stringify({ bench: 'email-send', ...result }));
    return { pooled, baseline: perMessage, ratio };
  } finally {
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
