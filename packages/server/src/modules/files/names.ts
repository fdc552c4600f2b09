import path from 'node:path';
import { MAX_FILE_NAME_LENGTH } from '@huiliu/contracts';

/** A display-safe file name: no directories, no control or markup characters, bounded length. */
export function sanitiseFileName(raw: string | undefined): string {
  const base = path.posix.basename(path.win32.basename(raw ?? ''));
  const cleaned = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_')
    .replace(/^\.+/, '')
    .trim();
  // By code point, not UTF-16 unit: a cut through an emoji would leave half of it, which no URL can encode.
  const kept = Array.from(cleaned).slice(-MAX_FILE_NAME_LENGTH).join('');
  return kept || 'file';
}

/** Types a browser may show inline; everything else is served as a download. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function servedContentType(contentType: string): { type: string; inline: boolean } {
  return INLINE_TYPES.has(contentType) ? { type: contentType, inline: true } : { type: 'application/octet-stream', inline: false };
}

/** Magic numbers of the types we show inline or that are commonly forged. */
const SIGNATURES: Record<string, (head: Buffer) => boolean> = {
  'image/png': (head) => head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff,
  'image/gif': (head) => head.subarray(0, 4).toString('latin1') === 'GIF8',
  'image/webp': (head) => head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP',
  'application/pdf': (head) => head.subarray(0, 5).toString('latin1') === '%PDF-',
};

/** False when the bytes contradict the declared type (an "image" that is really HTML). */
export function contentMatchesType(contentType: string, head: Buffer): boolean {
  const check = SIGNATURES[contentType];
  return check ? check(head) : true;
}
