/** A piece of message text: plain, or an http(s) link. */
export type TextPart = { text: string; href?: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'，。！？、；：（）《》【】「」]+/gi;
/** Punctuation that usually ends the sentence rather than the URL. */
const SENTENCE_END = '.,;:!?)]}\'"';

const count = (text: string, char: string) => text.split(char).length - 1;

/** Drops trailing punctuation, but keeps a ")" that closes a "(" inside the URL (as in Wikipedia links). */
function trimTrailing(url: string): string {
  let trimmed = url;
  for (;;) {
    const lastChar = trimmed[trimmed.length - 1];
    if (!lastChar || !SENTENCE_END.includes(lastChar)) return trimmed;
    if (lastChar === ')' && count(trimmed, '(') >= count(trimmed, ')')) return trimmed;
    trimmed = trimmed.slice(0, -1);
  }
}

/**
 * Splits text into plain parts and http(s) links. Only http and https become links (never
 * javascript: or data:), and the parts are rendered as text nodes, never parsed as HTML.
 */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    const url = trimTrailing(match[0]);
    if (url.length <= 'https://'.length) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: url, href: url });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
