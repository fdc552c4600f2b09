import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/**
 * Characters that make a spreadsheet read a cell as a formula (or, for tab and CR, let one
 * smuggle in after a separator). A customer controls their name and messages, so a cell from
 * them must never run as a formula on a supervisor's machine (CSV/formula injection).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: defused if it could start a formula, then quoted when it has to be (RFC 4180). */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.join('; ') : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/**
 * Sends rows as a CSV download while they are read: the header line first, then one line per
 * row. The BOM lets Excel read the UTF-8 (Chinese names) without an import dialog.
 */
export function sendCsv(reply: FastifyReply, fileName: string, header: string[], rows: AsyncIterable<unknown[]>) {
  async function* lines() {
    yield `\uFEFF${csvLine(header)}`;
    for await (const row of rows) yield csvLine(row);
  }
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(lines()));
}

/** How many rows one export holds at most, and how many are read from the database at a time. */
export const EXPORT_LIMITS = { max: 50_000, batch: 500 };

export const exportFileName = (kind: string) => `${kind}-${new Date().toISOString().slice(0, 10)}.csv`;
