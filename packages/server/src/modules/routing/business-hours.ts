import type { BusinessHours as BusinessHoursSchema } from '@huiliu/contracts';
import type { z } from 'zod';

/** Weekly opening hours in a time zone, with holidays (whole days closed): the contract's type. */
export type BusinessHours = z.infer<typeof BusinessHoursSchema>;
type Weekday = keyof BusinessHours['weekly'];

interface LocalTime {
  date: string;
  weekday: Weekday;
  minutes: number;
}

/** The wall-clock date, weekday and minute of the day of `at` in `timezone` (Intl does the zone rules). */
function localTime(at: Date, timezone: string): LocalTime {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: String(parts.weekday).slice(0, 3).toLowerCase() as Weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function isOpen(hours: BusinessHours | null | undefined, at: Date = new Date()): boolean {
  if (!hours) return true;
  const local = localTime(at, hours.timezone);
  if (hours.holidays?.includes(local.date)) return false;
  return (hours.weekly[local.weekday] ?? []).some(([from, to]) => local.minutes >= toMinutes(from) && local.minutes < toMinutes(to));
}

/** The next moment the team opens (to tell a customer when to expect a reply); null if never. */
export function nextOpening(hours: BusinessHours | null | undefined, at: Date = new Date()): Date | null {
  if (!hours || isOpen(hours, at)) return at;
  // Quarter-hour steps over the next 14 days: opening times fall on quarter hours in practice.
  for (let step = 1; step <= 14 * 24 * 4; step++) {
    const candidate = new Date(Math.ceil(at.getTime() / 900_000) * 900_000 + (step - 1) * 900_000);
    if (isOpen(hours, candidate)) return candidate;
  }
  return null;
}
