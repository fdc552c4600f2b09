import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  readonly configured: boolean;
  /** Sends the mail; resolves false when no SMTP server is configured. */
  send(mail: OutgoingMail): Promise<boolean>;
  close(): void;
}

/** System mail (invites, password resets). Channel email for customers is the email connector's job. */
export function createMailer(smtpUrl: string | undefined, from: string, logger: Logger): Mailer {
  const transport: Transporter | null = smtpUrl ? nodemailer.createTransport(smtpUrl) : null;
  return {
    configured: transport !== null,
    async send(mail) {
      if (!transport) return false;
      await transport.sendMail({ from, ...mail });
      logger.info({ to: mail.to, subject: mail.subject }, 'system mail sent');
      return true;
    },
    close() {
      transport?.close();
    },
  };
}
