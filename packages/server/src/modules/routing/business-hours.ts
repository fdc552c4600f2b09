import type { BusinessHours as BusinessHoursSchema } from '@huiliu/contracts';
import type { z } from 'zod';
import { compileCalendar, isOpenAt, nextOpeningAt, type BusinessCalendar } from '../calendars/business-time.js';
import { businessCalendarOf, type CalendarRow } from '../calendars/service.js';

/** Weekly opening hours in a time zone, with holidays (whole days closed): the contract's type. */
export type BusinessHours = z.infer<typeof BusinessHoursSchema>;

/**
 * A team's hours are a calendar of their own, answered by the calendars module's arithmetic.
 * Compiled calendars are kept per hours object: the zone rules are the costly part.
 */
const compiled = new WeakMap<BusinessHours, BusinessCalendar>();
function calendarOf(hours: BusinessHours): BusinessCalendar {
  let calendar = compiled.get(hours);
  if (!calendar) {
    calendar = compileCalendar({
      timezone: hours.timezone,
      weekly: hours.weekly,
      holidays: (hours.holidays ?? []).map((date) => ({ kind: 'date' as const, name: '', date })),
    });
    compiled.set(hours, calendar);
  }
  return calendar;
}

export function isOpen(hours: BusinessHours | null | undefined, at: Date = new Date()): boolean {
  return hours ? isOpenAt(calendarOf(hours), at) : true;
}

/** The next moment the team opens (to tell a customer when to expect a reply); null if never. */
export function nextOpening(hours: BusinessHours | null | undefined, at: Date = new Date()): Date | null {
  return hours ? nextOpeningAt(calendarOf(hours), at) : at;
}

/** A team's hours are its business calendar (holidays of every kind included); no calendar: always open. */
export function isCalendarOpen(calendar: CalendarRow | null | undefined, at: Date = new Date()): boolean {
  return calendar ? isOpenAt(businessCalendarOf(calendar), at) : true;
}

/** The next moment the calendar opens; null if never. */
export function calendarNextOpening(calendar: CalendarRow | null | undefined, at: Date = new Date()): Date | null {
  return calendar ? nextOpeningAt(businessCalendarOf(calendar), at) : at;
}
