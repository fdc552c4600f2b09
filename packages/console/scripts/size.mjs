// Reports the console's JavaScript and CSS: the initial load (what index.html pulls in) and the total, raw and gzipped.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url);
const html = readFileSync(new URL('index.html', dist), 'utf8');
const initial = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.(?:js|css))"/g)].map((match) => match[1]));
const sizes = { initial: { raw: 0, gzip: 0 }, total: { raw: 0, gzip: 0 } };
for (const name of readdirSync(new URL('assets/', dist))) {
  if (!/\.(js|css)$/.test(name)) continue;
  const bytes = readFileSync(new URL(`assets/${name}`, dist));
  const gzip = gzipSync(bytes, { level: 9 }).length;
  for (const key of initial.has(name) ? ['initial', 'total'] : ['total']) {
    sizes[key].raw += bytes.length;
    sizes[key].gzip += gzip;
  }
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `console: initial ${kb(sizes.initial.raw)} (${kb(sizes.initial.gzip)} gzip), all chunks ${kb(sizes.total.raw)} (${kb(sizes.total.gzip)} gzip)`,
);
