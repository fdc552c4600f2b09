import { describe, expect, it } from 'vitest';
import { attachmentProblem } from '../src/attachment-policy.js';
import { describeError, isTransient } from '../src/errors.js';
import { formatBytes } from '../src/format.js';
import { splitLinks } from '../src/links.js';
import { textColorOn, themeColor } from '../src/theme.js';

describe('links in message text', () => {
  it('links http and https URLs only, leaving the rest as text', () => {
    expect(splitLinks('see https://a.example/x and javascript:alert(1) or ftp://b.example')).toEqual([
      { text: 'see ' },
      { text: 'https://a.example/x', href: 'https://a.example/x' },
      { text: ' and javascript:alert(1) or ftp://b.example' },
    ]);
  });

  it('leaves sentence punctuation, ASCII and Chinese, out of the link', () => {
    expect(splitLinks('Go to http://a.example/help.')[1]).toEqual({ text: 'http://a.example/help', href: 'http://a.example/help' });
    expect(splitLinks('详见https://a.example/退货，谢谢')[1]?.href).toBe('https://a.example/退货');
  });

  it('keeps a closing bracket that belongs to the URL', () => {
    expect(splitLinks('(see https://en.wikipedia.org/wiki/Foo_(bar))')[1]?.href).toBe('https://en.wikipedia.org/wiki/Foo_(bar)');
  });

  it('treats markup as plain text', () => {
    expect(splitLinks('<img src=x onerror=alert(1)>')).toEqual([{ text: '<img src=x onerror=alert(1)>' }]);
  });
});

describe('what the visitor is told', () => {
  it('explains the server error codes, and falls back to the server sentence in English', () => {
    expect(describeError('rate_limited')).toMatch(/too fast/);
    expect(describeError('message_too_long')).toMatch(/too long/);
    expect(describeError('attachment_too_large')).toMatch(/too large/);
    expect(describeError('some_new_code', 'the moon is in the wrong phase')).toBe('The moon is in the wrong phase');
    expect(isTransient('timeout')).toBe(true);
    expect(isTransient('rate_limited')).toBe(false);
  });

  it('checks a file against the inbox limits before uploading it', () => {
    const policy = { maxBytes: 1024 * 1024, contentTypes: ['image/png', 'application/pdf'] };
    expect(attachmentProblem(new File(['x'], 'a.png', { type: 'image/png' }), policy)).toBeNull();
    expect(attachmentProblem(new File(['x'], 'a.exe', { type: 'application/x-msdownload' }), policy)).toMatch(/PNG, PDF/);
    expect(attachmentProblem(new File([new Uint8Array(1024 * 1024 + 1)], 'big.pdf', { type: 'application/pdf' }), policy)).toMatch(/1 MB/);
    expect(formatBytes(1536)).toBe('2 KB');
  });

  it('accepts only hex theme colours and picks readable text on them', () => {
    expect(themeColor('red; background: url(x)')).toBe('#1677ff');
    expect(textColorOn('#1677ff')).toBe('#ffffff');
    expect(textColorOn('#ffe58f')).toBe('#1f2329');
  });
});
