/**
 * NUL (U+0000) is the one character PostgreSQL cannot store in `text` or `jsonb`, and no person
 * types it: a value carrying one is refused at the edge, before it reaches a query (where it
 * used to become a 500, or a mail that failed forever). Every entry point — HTTP bodies, query
 * strings and path parameters, socket payloads, WeChat XML — runs its input through `findNul`.
 */
export const NUL_MESSAGE = 'contains a NUL character (U+0000), which cannot be stored; remove it';

const NUL = '\u0000';

/**
 * The path (`body.items.0.text`, or the key itself for a bad object key) of the first string in
 * `value` that holds a NUL, else null. Walks plain data only (what JSON, query strings and
 * socket payloads are made of), `depthLimit` deep.
 */
export function findNul(value: unknown, path = '', depthLimit = 64): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path || 'value' : null;
  if (depthLimit <= 0 || value === null || typeof value !== 'object') return null;
  if (ArrayBuffer.isView(value)) return null;
  const join = (key: string) => (path ? `${path}.${key}` : key);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findNul(value[index], join(String(index)), depthLimit - 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes(NUL)) return join(key.replaceAll(NUL, '\\0'));
    const found = findNul(inner, join(key), depthLimit - 1);
    if (found) return found;
  }
  return null;
}

/** The text with NULs removed: for what arrives from elsewhere and cannot be refused (mail, pulled messages). */
export function stripNul(text: string): string {
  return text.includes(NUL) ? text.replaceAll(NUL, '') : text;
}
