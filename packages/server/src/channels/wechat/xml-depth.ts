/**
 * Whether an XML document nests elements deeper than `limit`, found by one linear scan that
 * never recurses — so a hostile document cannot exhaust the stack before it is refused.
 * Comments, CDATA, declarations and quoted attribute values are skipped, so none of them can
 * hide an open tag (`<a x="/>">` is an open tag, not a self-closing one). A document that is
 * malformed in other ways is left to the validator.
 */
export function xmlDepthExceeds(xml: string, limit: number): boolean {
  let depth = 0;
  let at = 0;
  while ((at = xml.indexOf('<', at)) !== -1) {
    if (xml.startsWith('<![CDATA[', at)) {
      at = skipPast(xml, ']]>', at);
      continue;
    }
    if (xml.startsWith('<!--', at)) {
      at = skipPast(xml, '-->', at);
      continue;
    }
    const next = xml[at + 1];
    if (next === '?' || next === '!') {
      at = skipPast(xml, '>', at);
      continue;
    }
    if (next === '/') {
      depth -= 1;
      at = skipPast(xml, '>', at);
      continue;
    }
    const end = tagEnd(xml, at + 1);
    if (end === -1) return false;
    if (xml[end - 1] !== '/') {
      depth += 1;
      if (depth > limit) return true;
    }
    at = end + 1;
  }
  return false;
}

function skipPast(xml: string, marker: string, from: number): number {
  const found = xml.indexOf(marker, from);
  return found === -1 ? xml.length : found + marker.length;
}

/** Index of the `>` closing the tag that starts at `from`, outside quoted attribute values. */
function tagEnd(xml: string, from: number): number {
  let quote: string | undefined;
  for (let index = from; index < xml.length; index++) {
    const char = xml[index];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') return index;
  }
  return -1;
}
