import type { Holiday } from '@huiliu/contracts';
import ICAL from 'ical.js';
import { AppError } from '../../platform/errors.js';

export interface ImportedHolidays {
  holidays: Holiday[];
  skipped: { summary: string; reason: string }[];
}

const isoDate = (time: ICAL.Time) => `${time.year}-${String(time.month).padStart(2, '0')}-${String(time.day).padStart(2, '0')}`;

/**
 * Holidays from an iCalendar file (RFC 5545, as published by government and company calendars):
 * an all-day event is a date, a multi-day one a range, a yearly recurrence (RRULE:FREQ=YEARLY)
 * a yearly holiday. Timed events and other recurrences are skipped with a reason, since closing
 * the desk for part of a day belongs in the weekly hours.
 */
export function holidaysFromIcal(ics: string): ImportedHolidays {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(ics));
  } catch (error) {
    throw invalidIcal(error instanceof Error ? error.message : String(error));
  }
  if (root.name !== 'vcalendar') throw invalidIcal('it has no VCALENDAR');
  const holidays: Holiday[] = [];
  const skipped: ImportedHolidays['skipped'] = [];
  for (const component of root.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(component);
    const name = (event.summary ?? '').trim().slice(0, 100);
    const start = event.startDate;
    if (!start) {
      skipped.push({ summary: name, reason: 'no start date' });
      continue;
    }
    if (!start.isDate) {
      skipped.push({ summary: name, reason: 'not an all-day event' });
      continue;
    }
    // DTEND of an all-day event is exclusive (the day after the last one).
    const end = event.endDate ? event.endDate.clone() : start.clone();
    if (event.endDate) end.adjust(-1, 0, 0, 0);
    const rule = component.getFirstPropertyValue('rrule') as ICAL.Recur | null;
    if (rule) {
      if (rule.freq === 'YEARLY' && isoDate(end) === isoDate(start)) {
        holidays.push({ kind: 'yearly', name, month: start.month, day: start.day });
      } else {
        skipped.push({ summary: name, reason: `recurrence ${rule.freq} is not supported; import its dates` });
      }
      continue;
    }
    if (isoDate(end) <= isoDate(start)) holidays.push({ kind: 'date', name, date: isoDate(start) });
    else holidays.push({ kind: 'range', name, from: isoDate(start), to: isoDate(end) });
  }
  return { holidays, skipped };
}

const invalidIcal = (why: string) => new AppError(422, 'invalid_ical', `not an iCalendar file (RFC 5545): ${why}`);

/** The same holiday twice (re-importing a file) is kept once. */
export function mergeHolidays(existing: Holiday[], added: Holiday[]): Holiday[] {
  const key = (holiday: Holiday) =>
    holiday.kind === 'date'
      ? `d:${holiday.date}`
      : holiday.kind === 'yearly'
        ? `y:${holiday.month}-${holiday.day}`
        : `r:${holiday.from}:${holiday.to}`;
  const seen = new Set(existing.map(key));
  const merged = [...existing];
  for (const holiday of added) {
    if (seen.has(key(holiday))) continue;
    seen.add(key(holiday));
    merged.push(holiday);
  }
  return merged;
}
