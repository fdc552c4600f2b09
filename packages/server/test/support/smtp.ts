import { SMTPServer } from 'smtp-server';
import { freePort } from './ports.js';

export interface CapturedMail {
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps every message it receives (and refuses recipients matching `reject` with 550). */
export async function startSmtpCapture(options: { reject?: RegExp } = {}) {
  const mails: CapturedMail[] = [];
  const counts = { connections: 0 };
  const server = new SMTPServer({
    authOptional: true,
    onConnect(_session, callback) {
      counts.connections += 1;
      callback();
    },
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, callback) {
      if (options.reject?.test(address.address))
        return callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    /** Connections opened to this server so far. */
    get connections() {
      return counts.connections;
    },
    /** The first URL in the newest mail to `to`, with quoted-printable soft breaks undone. */
    linkSentTo(to: string): string | undefined {
      const mail = mails.filter((item) => item.to.includes(to)).at(-1);
      const body = mail?.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      return body?.match(/https?:\/\/\S+/)?.[0];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
