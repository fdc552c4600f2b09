import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { ClockTime, IanaTimezone } from './workspaces.js';

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-10-01')
  .refine(
    (value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
    'not a real date',
  );

export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof Weekday>;

/**
 * An opening interval of a weekday, wall-clock time in the calendar's zone. An end at or before
 * the start runs past midnight into the next day (22:00–06:00 is a night shift); 24:00 ends at
 * midnight. An interval belongs to the day it starts on: that day's holiday closes all of it.
 */
export const OpeningInterval = z.tuple([ClockTime, ClockTime]).refine(([from]) => from !== '24:00', 'an interval cannot start at 24:00');

export const WeeklyHours = z.partialRecord(Weekday, z.array(OpeningInterval).max(6));

/** A day (or days) closed whatever the weekly hours say. */
export const Holiday = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('date'), name: z.string().trim().max(100).default(''), date: IsoDate }),
  /** The same month and day every year (元旦, Christmas). */
  z.object({
    kind: z.literal('yearly'),
    name: z.string().trim().max(100).default(''),
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31),
  }),
  /** From and to are both closed (国庆 10-01 … 10-07). */
  z
    .object({ kind: z.literal('range'), name: z.string().trim().max(100).default(''), from: IsoDate, to: IsoDate })
    .refine((range) => range.from <= range.to, 'a range ends on or after its first day')
    .refine((range) => Date.parse(range.to) - Date.parse(range.from) <= 366 * 86_400_000, 'a range is at most a year'),
]);
export type Holiday = z.infer<typeof Holiday>;

export const CalendarRules = z.object({
  timezone: IanaTimezone,
  weekly: WeeklyHours,
  holidays: z.array(Holiday).max(1000).default([]),
});
export type CalendarRules = z.infer<typeof CalendarRules>;

export const Calendar = CalendarRules.extend({
  id: Id,
  name: z.string(),
  description: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Calendar = z.infer<typeof Calendar>;

export const CreateCalendarRequest = CalendarRules.extend({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000).default(''),
});

export const UpdateCalendarRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(1000),
    timezone: IanaTimezone,
    weekly: WeeklyHours,
    holidays: z.array(Holiday).max(1000),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

/** An iCalendar file (RFC 5545) of holidays: each all-day event becomes a holiday. */
export const ImportHolidaysRequest = z.object({
  ics: z.string().min(1).max(500_000),
  /** replace: the imported holidays replace the calendar's; merge: they are added (duplicates dropped). */
  mode: z.enum(['merge', 'replace']).default('merge'),
});

export const ImportHolidaysResult = z.object({
  imported: z.number().int(),
  skipped: z.array(z.object({ summary: z.string(), reason: z.string() })),
  calendar: Calendar,
});

/**
 * Ask a calendar about an instant (default now): whether it is open and when it opens next,
 * plus, when given, that instant + N business minutes and the business minutes until `to`.
 */
export const BusinessTimeQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  minutes: z.coerce.number().int().min(0).max(525_600).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const BusinessTimeAnswer = z.object({
  from: Timestamp,
  /** from + minutes of open time (when minutes was given). */
  due: Timestamp.nullable(),
  /** Business minutes between from and to (when to was given). */
  minutes: z.number().nullable(),
  openNow: z.boolean(),
  nextOpening: Timestamp.nullable(),
});
