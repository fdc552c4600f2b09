import type { CalendarRules, Holiday } from '@huiliu/contracts';
import { and, asc, eq } from 'drizzle-orm';
import { notFound } from '../../platform/errors.js';
import type { Executor } from '../users/service.js';
import { compileCalendar, type BusinessCalendar } from './business-time.js';
import { holidaysFromIcal, mergeHolidays } from './ical-import.js';
import { calendars } from './schema.js';

export type CalendarRow = typeof calendars.$inferSelect;

export const calendarView = (row: CalendarRow) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  timezone: row.timezone,
  weekly: row.weekly,
  holidays: row.holidays,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const rulesOf = (row: Pick<CalendarRow, 'timezone' | 'weekly' | 'holidays'>): CalendarRules => ({
  timezone: row.timezone,
  weekly: row.weekly,
  holidays: row.holidays,
});

export async function listCalendars(db: Executor, workspaceId: string) {
  return db.select().from(calendars).where(eq(calendars.workspaceId, workspaceId)).orderBy(asc(calendars.name));
}

export async function getCalendar(db: Executor, workspaceId: string, id: string, options: { lock?: boolean } = {}) {
  const query = db
    .select()
    .from(calendars)
    .where(and(eq(calendars.workspaceId, workspaceId), eq(calendars.id, id)));
  const [row] = options.lock ? await query.for('update') : await query;
  if (!row) throw notFound('calendar');
  return row;
}

export interface CalendarInput extends CalendarRules {
  name: string;
  description: string;
}

export async function createCalendar(db: Executor, workspaceId: string, input: CalendarInput) {
  const [row] = await db
    .insert(calendars)
    .values({ workspaceId, ...input })
    .returning();
  return row!;
}

export async function updateCalendar(db: Executor, workspaceId: string, id: string, input: Partial<CalendarInput>) {
  const [row] = await db
    .update(calendars)
    .set({ ...input, updatedAt: new Date() })
    .where(and(eq(calendars.workspaceId, workspaceId), eq(calendars.id, id)))
    .returning();
  if (!row) throw notFound('calendar');
  return row;
}

export async function deleteCalendar(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .delete(calendars)
    .where(and(eq(calendars.workspaceId, workspaceId), eq(calendars.id, id)))
    .returning();
  if (!row) throw notFound('calendar');
  return row;
}

/** Adds (or, with replace, sets) the holidays of an iCalendar file; the row is locked so two imports do not lose each other's dates. */
export async function importHolidays(db: Executor, workspaceId: string, id: string, ics: string, mode: 'merge' | 'replace') {
  const { holidays, skipped } = holidaysFromIcal(ics);
  const current = await getCalendar(db, workspaceId, id, { lock: true });
  const next: Holiday[] = mode === 'replace' ? mergeHolidays([], holidays) : mergeHolidays(current.holidays, holidays);
  const row = await updateCalendar(db, workspaceId, id, { holidays: next });
  return { imported: next.length - (mode === 'replace' ? 0 : current.holidays.length), skipped, row };
}

/**
 * Compiled calendars by id and version, for the SLA engine and routing that ask the same
 * calendar many times: a calendar edit changes updatedAt and so compiles afresh.
 */
const compiled = new Map<string, { updatedAt: number; calendar: BusinessCalendar }>();
export function businessCalendarOf(row: CalendarRow): BusinessCalendar {
  const known = compiled.get(row.id);
  if (known && known.updatedAt === row.updatedAt.getTime()) return known.calendar;
  const calendar = compileCalendar(rulesOf(row));
  if (compiled.size > 1000) compiled.clear();
  compiled.set(row.id, { updatedAt: row.updatedAt.getTime(), calendar });
  return calendar;
}
