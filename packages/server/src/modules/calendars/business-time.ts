import type { CalendarRules, Weekday } from '@huiliu/contracts';
import { DateTime } from 'luxon';

/**
 * Business-time arithmetic on a calendar: "N business minutes after T" and "business minutes
 * between T1 and T2". Open time is measured in real elapsed time, so a shift on the night the
 * clocks go forward is an hour shorter. Luxon does the zone rules (a wall-clock time that does
 * not exist, in the spring gap, moves forward to the first time that does).
 */

/** Luxon numbers weekdays 1 (Monday) … 7 (Sunday). */
const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MINUTE = 60_000;
/** A calendar with no open minute for this many days in a row is taken to never open again. */
const MAX_CLOSED_DAYS = 400;

export interface BusinessCalendar {
  readonly timezone: string;
  /** Per weekday, [from, to] in minutes after midnight; to ≤ from runs into the next day. */
  readonly weekly: ReadonlyMap<Weekday, readonly (readonly [number, number])[]>;
  readonly holidayDates: ReadonlySet<string>;
  readonly yearly: ReadonlySet<string>;
  readonly ranges: readonly (readonly [string, string])[];
}

interface Span {
  start: number;
  end: number;
}

const clockMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const pad = (value: number) => String(value).padStart(2, '0');

/** Checks the rules once so each question about the calendar is cheap. */
export function compileCalendar(rules: CalendarRules): BusinessCalendar {
  const weekly = new Map<Weekday, [number, number][]>();
  for (const day of WEEKDAYS) {
    const intervals = (rules.weekly[day] ?? []).map(([from, to]) => [clockMinutes(from), clockMinutes(to)] as [number, number]);
    weekly.set(
      day,
      intervals.sort((a, b) => a[0] - b[0]),
    );
  }
  const holidayDates = new Set<string>();
  const yearly = new Set<string>();
  const ranges: [string, string][] = [];
  for (const holiday of rules.holidays ?? []) {
    if (holiday.kind === 'date') holidayDates.add(holiday.date);
    else if (holiday.kind === 'yearly') yearly.add(`${pad(holiday.month)}-${pad(holiday.day)}`);
    else ranges.push([holiday.from, holiday.to]);
  }
  return { timezone: rules.timezone, weekly, holidayDates, yearly, ranges };
}

export function isHoliday(calendar: BusinessCalendar, isoDate: string): boolean {
  return (
    calendar.holidayDates.has(isoDate) ||
    calendar.yearly.has(isoDate.slice(5)) ||
    calendar.ranges.some(([from, to]) => from <= isoDate && isoDate <= to)
  );
}

interface Day {
  /** Local midnight, as an instant. */
  start: number;
  spans: Span[];
}

/** Days are numbered as in the proleptic calendar: 0 is 1970-01-01, which was a Thursday. */
const weekdayOf = (dayNumber: number) => WEEKDAYS[(((dayNumber + 3) % 7) + 7) % 7]!;
const isoDateOf = (dayNumber: number) => new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);

/** A wall-clock time `minutes` after the midnight of the local day (24:00 or more: a later day). */
function wallClock(timezone: string, dayNumber: number, minutes: number): number {
  const date = new Date((dayNumber + Math.floor(minutes / 1440)) * 86_400_000);
  const rest = minutes % 1440;
  return DateTime.fromObject(
    { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: Math.floor(rest / 60), minute: rest % 60 },
    { zone: timezone },
  ).toMillis();
}

/**
 * The open spans that start on a local day. Zone rules are the costly part (an SLA engine asks
 * about the same few days for thousands of targets), so each calendar keeps the days it has seen.
 */
function dayOf(calendar: BusinessCalendar, dayNumber: number): Day {
  const cache = dayCache(calendar);
  const known = cache.get(dayNumber);
  if (known) return known;
  const intervals = isHoliday(calendar, isoDateOf(dayNumber)) ? [] : (calendar.weekly.get(weekdayOf(dayNumber)) ?? []);
  const day = {
    start: wallClock(calendar.timezone, dayNumber, 0),
    spans: intervals
      .map(([from, to]) => ({
        start: wallClock(calendar.timezone, dayNumber, from),
        end: wallClock(calendar.timezone, dayNumber, to > from ? to : to + 1440),
      }))
      .filter((span) => span.end > span.start),
  };
  if (cache.size >= MAX_CACHED_DAYS) cache.clear();
  cache.set(dayNumber, day);
  return day;
}

const MAX_CACHED_DAYS = 4000;
const dayCaches = new WeakMap<BusinessCalendar, Map<number, Day>>();
function dayCache(calendar: BusinessCalendar): Map<number, Day> {
  let cache = dayCaches.get(calendar);
  if (!cache) dayCaches.set(calendar, (cache = new Map()));
  return cache;
}

/** The number of the local day `at` falls on in the calendar's zone. */
function localDayNumber(calendar: BusinessCalendar, at: number): number {
  const local = DateTime.fromMillis(at, { zone: calendar.timezone });
  return Math.round(Date.UTC(local.year, local.month - 1, local.day) / 86_400_000);
}

/**
 * The open spans of the calendar from `from` on, clipped to start no earlier than `from`,
 * overlapping ones merged; ends after MAX_CLOSED_DAYS without an opening.
 */
function* openSpans(calendar: BusinessCalendar, from: number): Generator<Span> {
  // Start a day early: last night's shift may still be open.
  let dayNumber = localDayNumber(calendar, from) - 1;
  let pending: Span | undefined;
  let closedDays = 0;
  while (closedDays < MAX_CLOSED_DAYS) {
    const spans = dayOf(calendar, dayNumber).spans.filter((span) => span.end > from);
    closedDays = spans.length === 0 ? closedDays + 1 : 0;
    for (const span of spans) {
      const clipped = { start: Math.max(span.start, from), end: span.end };
      if (pending && clipped.start <= pending.end) pending.end = Math.max(pending.end, clipped.end);
      else {
        if (pending) yield pending;
        pending = clipped;
      }
    }
    dayNumber += 1;
    // Nothing that starts on a later day can reach back before that day's midnight.
    if (pending && pending.end <= dayOf(calendar, dayNumber).start) {
      yield pending;
      pending = undefined;
    }
  }
  if (pending) yield pending;
}

/**
 * The instant at which `minutes` of open time have passed since `from`: with no calendar,
 * plain elapsed time. Adding 0 gives `from`; time that runs out exactly at closing gives the
 * closing time. Null when the calendar never opens again.
 */
export function addBusinessMinutes(calendar: BusinessCalendar | null, from: Date, minutes: number): Date | null {
  if (minutes < 0) throw new RangeError('business minutes to add must not be negative');
  if (!calendar) return new Date(from.getTime() + minutes * MINUTE);
  let left = minutes * MINUTE;
  if (left === 0) return new Date(from.getTime());
  for (const span of openSpans(calendar, from.getTime())) {
    const length = span.end - span.start;
    if (left <= length) return new Date(span.start + left);
    left -= length;
  }
  return null;
}

/** Business minutes between two instants (negative when `to` is before `from`). */
export function businessMinutesBetween(calendar: BusinessCalendar | null, from: Date, to: Date): number {
  if (to.getTime() < from.getTime()) return -businessMinutesBetween(calendar, to, from);
  if (!calendar) return (to.getTime() - from.getTime()) / MINUTE;
  let total = 0;
  for (const span of openSpans(calendar, from.getTime())) {
    if (span.start >= to.getTime()) break;
    total += Math.min(span.end, to.getTime()) - span.start;
  }
  return total / MINUTE;
}

export function isOpenAt(calendar: BusinessCalendar | null, at: Date): boolean {
  if (!calendar) return true;
  const first = openSpans(calendar, at.getTime()).next();
  return !first.done && first.value.start <= at.getTime();
}

/** `at` itself when open, else the next opening; null when the calendar never opens again. */
export function nextOpeningAt(calendar: BusinessCalendar | null, at: Date): Date | null {
  if (!calendar) return at;
  const first = openSpans(calendar, at.getTime()).next();
  return first.done ? null : new Date(first.value.start);
}

/**
 * `addBusinessMinutes` to the millisecond, for clocks that pause and resume: whole milliseconds
 * in, a whole-millisecond instant out (no float drift from minutes ↔ milliseconds).
 */
export function addBusinessMs(calendar: BusinessCalendar | null, from: Date, ms: number): Date | null {
  if (ms < 0) throw new RangeError('business time to add must not be negative');
  if (!calendar) return new Date(from.getTime() + ms);
  if (ms === 0) return new Date(from.getTime());
  let left = ms;
  for (const span of openSpans(calendar, from.getTime())) {
    const length = span.end - span.start;
    if (left <= length) return new Date(span.start + left);
    left -= length;
  }
  return null;
}

/** Business milliseconds between two instants (`businessMinutesBetween`, to the millisecond). */
export function businessMsBetween(calendar: BusinessCalendar | null, from: Date, to: Date): number {
  return Math.round(businessMinutesBetween(calendar, from, to) * MINUTE);
}
