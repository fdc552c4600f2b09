import { describe, expect, it } from 'vitest';
import { parseEmail, sanitiseEmailHtml, UnusableEmail } from '../../src/channels/email/parse.js';
import { splitQuoted } from '../../src/channels/email/quotes.js';
import { clientReply, composeEmail, emailFixture, htmlWithInlineImage } from '../support/email.js';

describe('parsing inbound email', () => {
  it('makes an overlong Message-ID storable, the same digest wherever it is referenced, and keeps short ones as they are', async () => {
    const longId = `${'订'.repeat(300)}@example.com`;
    const original = await parseEmail(
      await composeEmail({ from: 'a@example.com', to: 'b@example.com', subject: 'x', text: 'x', messageId: `<${longId}>` }),
    );
    expect(original.messageId).toMatch(/^sha256\.[0-9a-f]{64}@huiliu\.invalid$/);
    const reply = await parseEmail(await clientReply(longId, { from: 'a@example.com', messageId: '<short@example.com>' }));
    expect(reply.inReplyTo).toBe(original.messageId);
    expect(reply.references).toEqual([original.messageId]);
    expect(reply.messageId).toBe('short@example.com');
  });

  it('decodes a GBK message: subject, body, GB2312 sender name, CC', async () => {
    const mail = await parseEmail(emailFixture('gbk.eml'));
    expect(mail.subject).toBe('羽绒服换货申请');
    expect(mail.from).toEqual({ address: 'liufang@example.cn', name: '刘芳' });
    expect(mail.text).toContain('订单号 20261130-8848）尺码不对，想换成 XL 码');
    expect(mail.cc).toEqual(['zhangsan@example.cn', 'lisi@example.cn']);
    expect(mail.messageId).toBe('gbk-20261130-0001@example.cn');
    expect(mail.automatic).toBe(false);
  });

  it('decodes a Big5 quoted-printable message with a Q-encoded subject', async () => {
    const mail = await parseEmail(emailFixture('big5.eml'));
    expect(mail.subject).toBe('門市營業時間');
    expect(mail.from?.name).toBe('陳美玲');
    expect(mail.text).toContain('請問你們的門市週末有營業嗎？我想去台北店取貨。');
  });

  it('keeps quoted-printable HTML sanitised, with the inline image and the attachment', async () => {
    const mail = await parseEmail(await htmlWithInlineImage());
    expect(mail.subject).toBe('商品破损，附照片');
    expect(mail.cc).toEqual(['boss@example.com']);
    const inline = mail.attachments.find((part) => part.contentId === 'photo-1@example.com');
    expect(inline?.inline).toBe(true);
    expect(mail.attachments.find((part) => part.fileName === '订单截图.pdf')?.inline).toBe(false);
    expect(mail.text).toContain('收到的杯子有裂痕');
    const html = sanitiseEmailHtml(mail.html!, new Map([['photo-1@example.com', '/files/abc/key/photo.png']]));
    expect(html).toContain('<img src="/files/abc/key/photo.png" alt="照片" />');
    expect(html).not.toMatch(/script|onclick|javascript:|tracker\.example/);
    expect(html).toContain('请尽快处理');
  });

  it('reads In-Reply-To and References of a reply and splits off the quote', async () => {
    const mail = await parseEmail(await clientReply('abc-123@huiliu.test'));
    expect(mail.inReplyTo).toBe('abc-123@huiliu.test');
    expect(mail.references).toEqual(['abc-123@huiliu.test']);
    expect(mail.body).toBe('好的，那我等换货。');
    expect(mail.quoted).toMatch(/^在 2026年11月30日 14:00，汇流客服 <support@huiliu.test> 写道：\n> 您好/);
  });

  it('keeps the subject token of a reply whose threading headers were stripped; Outlook quote split', async () => {
    const mail = await parseEmail(emailFixture('stripped-reply.eml'));
    expect(mail.inReplyTo).toBeNull();
    expect(mail.references).toEqual([]);
    expect(mail.subject).toBe('RE: 发票开具 [#4242]');
    expect(mail.body).toBe('好的，抬头写“汇流科技有限公司”，税号 91310000MA1234567X。');
    expect(mail.quoted).toMatch(/^-----Original Message-----/);
  });

  it('recognises an out-of-office auto-reply', async () => {
    const mail = await parseEmail(emailFixture('out-of-office.eml'));
    expect(mail.automatic).toBe(true);
    expect(mail.subject).toBe('自动回复: 您的订单');
    expect(mail.text).toContain('我正在休假，12月7日后回复。');
    expect(mail.bounce).toBeNull();
  });

  it('recognises a DSN bounce: the original Message-ID and the reason', async () => {
    const mail = await parseEmail(emailFixture('dsn-bounce.eml'));
    expect(mail.automatic).toBe(true);
    expect(mail.bounce).toEqual({
      originalMessageId: 'out-0001@huiliu.test',
      reason: expect.stringContaining('5.1.1 <nobody@example.org> 550 5.1.1 <nobody@example.org>: Recipient address rejected'),
      permanent: true,
    });
  });

  it('refuses a malformed message with a reason', async () => {
    await expect(parseEmail(emailFixture('malformed.eml'))).rejects.toThrow(UnusableEmail);
    await expect(parseEmail(emailFixture('malformed.eml'))).rejects.toThrow('missing or invalid From address');
    await expect(parseEmail(Buffer.from('\r\n\r\njust a body'))).rejects.toThrow(UnusableEmail);
  });

  it('recognises other automatic senders (mailer-daemon, list mail) and not ordinary mail', async () => {
    const make = (headers: string) => Buffer.from(`${headers}\r\nFrom: x@example.com\r\nTo: s@huiliu.test\r\nSubject: hi\r\n\r\nhello\r\n`);
    expect((await parseEmail(make('Auto-Submitted: no'))).automatic).toBe(false);
    expect((await parseEmail(make('Precedence: list'))).automatic).toBe(true);
    expect((await parseEmail(make('Precedence: junk'))).automatic).toBe(true);
    expect((await parseEmail(make('Auto-Submitted: auto-generated'))).automatic).toBe(true);
    const daemon = Buffer.from('From: MAILER-DAEMON@mx.example.com\r\nSubject: failure\r\n\r\nfailed\r\n');
    expect((await parseEmail(daemon)).automatic).toBe(true);
  });
});

describe('splitting quoted text', () => {
  it('handles the common clients', () => {
    expect(splitQuoted('Thanks!\n\nOn Mon, Nov 30, 2026 at 10:00 AM Support <s@x.com> wrote:\n> hi')).toEqual({
      body: 'Thanks!',
      quoted: 'On Mon, Nov 30, 2026 at 10:00 AM Support <s@x.com> wrote:\n> hi',
    });
    expect(splitQuoted('收到\n\n汇流客服 <s@x.com> 于2026年11月30日周一 10:00写道：\n> 你好').body).toBe('收到');
    expect(splitQuoted('好的\n\n------------------ 原始邮件 ------------------\n发件人: "客服"').body).toBe('好的');
    expect(splitQuoted('OK\n\n发件人: 客服 <s@x.com>\n发送时间: 2026年11月30日 10:00\n收件人: a@b.c').body).toBe('OK');
    expect(splitQuoted('see below\n> quoted\n> more')).toEqual({ body: 'see below', quoted: '> quoted\n> more' });
    expect(splitQuoted('> only a quote')).toEqual({ body: '> only a quote', quoted: '' });
    expect(splitQuoted('no quote here\nFrom: me, with love')).toEqual({ body: 'no quote here\nFrom: me, with love', quoted: '' });
  });
});
