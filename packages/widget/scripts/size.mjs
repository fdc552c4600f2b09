// Reports the bundle's raw and gzipped size against the 60 KB gzip budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 60 * 1024;
const bytes = readFileSync(new URL('../dist/widget.js', import.meta.url));
const gzip = gzipSync(bytes, { level: 9 }).length;
console.log(`widget.js: ${(bytes.length / 1024).toFixed(1)} KB, ${(gzip / 1024).toFixed(1)} KB gzip (budget ${BUDGET / 1024} KB gzip)`);
if (gzip > BUDGET) {
  console.error('the widget is over its size budget');
  process.exit(1);
}
