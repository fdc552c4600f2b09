import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'email');

/** A hand-written raw MIME fixture from test/fixtures/email. */
export function emailFixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

/** A raw message built by nodemailer's composer (as a real client would send it). */
export function composeEmail(options: Mail.Options): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    new MailComposer(options).compile().build((error, message) => (error ? reject(error) : resolve(message))),
  );
}

/** A 1×1 PNG for inline-image fixtures. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Quoted-printable HTML with an inline (cid:) image and a PDF attachment, from nodemailer. */
export function htmlWithInlineImage(overrides: Mail.Options = {}): Promise<Buffer> {
  return composeEmail({
    from: '"孙丽" <sunli@example.com>',
    to: 'support@huiliu.test',
    cc: ['boss@example.com'],
    subject: '商品破损，附照片',
    messageId: '<inline-0001@example.com>',
    textEncoding: 'quoted-printable',
    html:
      '<p>收到的杯子有裂痕，见图：</p><p><img src="cid:photo-1@example.com" alt="照片"></p>' +
      '<script>alert(1)</script><p onclick="steal()">请尽快处理 <a href="javascript:alert(2)">x</a> <img src="https://tracker.example/p.gif"></p>',
    attachments: [
      { filename: 'photo.png', content: TINY_PNG, cid: 'photo-1@example.com', contentType: 'image/png' },
      { filename: '订单截图.pdf', content: Buffer.from('%PDF-1.4 test'), contentType: 'application/pdf' },
    ],
    ...overrides,
  });
}

/** A reply from a mail client: In-Reply-To and References to `parentId`, the quote under it. */
export function clientReply(parentId: string, overrides: Mail.Options = {}): Promise<Buffer> {
  return composeEmail({
    from: '"孙丽" <sunli@example.com>',
    to: 'support@huiliu.test',
    subject: 'Re: 商品破损，附照片',
    messageId: '<reply-0001@example.com>',
    inReplyTo: `<${parentId}>`,
    references: [`<${parentId}>`],
    text: '好的，那我等换货。\n\n在 2026年11月30日 14:00，汇流客服 <support@huiliu.test> 写道：\n> 您好，我们会为您换一个新的。\n',
    ...overrides,
  });
}
