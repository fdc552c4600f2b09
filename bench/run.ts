/**
 * `npm run bench [name…]`: runs the benchmarks (all, or those named) one after another; each
 * prints its figures and ends with one JSON line. Results are recorded in docs/benchmarks.md.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { REPO_ROOT } from './support/process.js';

const BENCHES: Record<string, string> = {
  'chat-latency': 'bench/chat-latency.ts',
  routing: 'bench/routing.ts',
  bot: 'bench/bot.ts',
  'email-send': 'bench/email.ts',
  flood: 'bench/flood.ts',
  sla: 'bench/sla.ts',
  'ticket-search': 'bench/ticket-search.ts',
  'ticket-bulk': 'bench/ticket-bulk.ts',
  reports: 'bench/reports.ts',
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
for (const name of names) {
  const file = BENCHES[name];
  if (!file) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== ${name} ===`);
  const module = (await import(pathToFileURL(path.join(REPO_ROOT, file)).href)) as { run: () => Promise<unknown> };
  await module.run();
}
process.exit(0);
