import { describe, expect, it } from 'vitest';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  compileCalendar,
  isOpenAt,
  nextOpeningAt,
  type BusinessCalendar,
} from '../../src/modules/calendars/business-time.js';

const weekdays = (intervals: [string, string][]) => ({ mon: intervals, tue: intervals, wed: intervals, thu: intervals, fri: intervals });
const everyDay = (intervals: [string, string][]) => ({ ...weekdays(intervals), sat: intervals, sun: intervals });

/** Shanghai office hours with a lunch break; 国庆 as a range, 元旦 yearly, Christmas 2026 once. */
const office = compileCalendar({
  timezone: 'Asia/Shanghai',
  weekly: weekdays([
    ['09:00', '12:00'],
    ['13:00', '18:00'],
  ]),
  holidays: [
    { kind: 'range', name: '国庆节', from: '2026-10-01', to: '2026-10-07' },
    { kind: 'yearly', name: '元旦', month: 1, day: 1 },
    { kind: 'date', name: 'Christmas', date: '2026-12-25' },
  ],
});
/** A night desk: 22:00–06:00 every day; 2026-12-24 is off (its own shift, not the one from the 23rd). */
const nights = compileCalendar({
  timezone: 'Asia/Shanghai',
  weekly: everyDay([['22:00', '06:00']]),
  holidays: [{ kind: 'date', name: '', date: '2026-12-24' }],
});
const allDay = compileCalendar({ timezone: 'Asia/Shanghai', weekly: everyDay([['00:00', '24:00']]), holidays: [] });
const adjacent = compileCalendar({
  timezone: 'Asia/Shanghai',
  weekly: weekdays([
    ['09:00', '12:00'],
    ['12:00', '18:00'],
  ]),
  holidays: [],
});
const overlapping = compileCalendar({
  timezone: 'Asia/Shanghai',
  weekly: weekdays([
    ['09:00', '12:00'],
    ['11:00', '13:00'],
  ]),
  holidays: [],
});
const threeShifts = compileCalendar({
  timezone: 'Asia/Shanghai',
  weekly: weekdays([
    ['08:00', '10:00'],
    ['11:00', '12:00'],
    ['14:00', '15:30'],
  ]),
  holidays: [],
});
const yearEnd = compileCalendar({
  timezone: 'Asia/Shanghai',
  weekly: everyDay([['09:00', '18:00']]),
  holidays: [{ kind: 'range', name: '', from: '2026-12-30', to: '2027-01-02' }],
});
/** Europe/Berlin: clocks go forward 2026-03-29 02:00 → 03:00 and back 2026-10-25 03:00 → 02:00. */
const berlinEarly = compileCalendar({ timezone: 'Europe/Berlin', weekly: everyDay([['01:00', '05:00']]), holidays: [] });
const berlinOffice = compileCalendar({ timezone: 'Europe/Berlin', weekly: weekdays([['09:00', '17:00']]), holidays: [] });
const berlinSundays = compileCalendar({ timezone: 'Europe/Berlin', weekly: { sun: [['00:00', '24:00']] }, holidays: [] });
const berlinNights = compileCalendar({ timezone: 'Europe/Berlin', weekly: everyDay([['22:00', '06:00']]), holidays: [] });
const never = compileCalendar({ timezone: 'Asia/Shanghai', weekly: {}, holidays: [] });

type Case =
  | { name: string; calendar: BusinessCalendar | null; add: number; from: string; due: string | null }
  | { name: string; calendar: BusinessCalendar | null; from: string; to: string; minutes: number };

// Local times carry their offset: +08:00 is Shanghai, +01:00/+02:00 Berlin in winter/summer.
// 2026-12-07 is a Monday.
const cases: Case[] = [
  { name: 'adding nothing is the same instant', calendar: office, add: 0, from: '2026-12-07T10:00+08:00', due: '2026-12-07T10:00+08:00' },
  { name: 'within one interval', calendar: office, add: 30, from: '2026-12-07T10:00+08:00', due: '2026-12-07T10:30+08:00' },
  { name: 'over the lunch break', calendar: office, add: 120, from: '2026-12-07T11:00+08:00', due: '2026-12-07T14:00+08:00' },
  {
    name: 'running out at closing gives the closing time',
    calendar: office,
    add: 60,
    from: '2026-12-07T11:00+08:00',
    due: '2026-12-07T12:00+08:00',
  },
  { name: 'one minute after the morning closes', calendar: office, add: 1, from: '2026-12-07T12:00+08:00', due: '2026-12-07T13:01+08:00' },
  { name: 'starting before opening', calendar: office, add: 60, from: '2026-12-07T08:00+08:00', due: '2026-12-07T10:00+08:00' },
  { name: 'across the night', calendar: office, add: 60, from: '2026-12-07T17:30+08:00', due: '2026-12-08T09:30+08:00' },
  { name: 'across the weekend', calendar: office, add: 60, from: '2026-12-11T17:30+08:00', due: '2026-12-14T09:30+08:00' },
  { name: 'starting on a Saturday', calendar: office, add: 60, from: '2026-12-12T10:00+08:00', due: '2026-12-14T10:00+08:00' },
  { name: 'one whole business day', calendar: office, add: 480, from: '2026-12-07T09:00+08:00', due: '2026-12-07T18:00+08:00' },
  { name: 'one minute more than a day', calendar: office, add: 481, from: '2026-12-07T09:00+08:00', due: '2026-12-08T09:01+08:00' },
  { name: 'a business week', calendar: office, add: 2400, from: '2026-12-07T09:00+08:00', due: '2026-12-11T18:00+08:00' },
  { name: 'over a holiday range (国庆)', calendar: office, add: 60, from: '2026-09-30T17:30+08:00', due: '2026-10-08T09:30+08:00' },
  { name: 'a yearly holiday next to a weekend', calendar: office, add: 60, from: '2026-12-31T17:30+08:00', due: '2027-01-04T09:30+08:00' },
  { name: 'a one-off holiday before a weekend', calendar: office, add: 120, from: '2026-12-24T17:00+08:00', due: '2026-12-28T10:00+08:00' },
  {
    name: 'late at night in the calendar’s zone, not UTC’s',
    calendar: office,
    add: 60,
    from: '2026-12-07T23:30+08:00',
    due: '2026-12-08T10:00+08:00',
  },
  { name: 'three intervals in a day', calendar: threeShifts, add: 200, from: '2026-12-07T07:00+08:00', due: '2026-12-07T14:20+08:00' },
  { name: 'adjacent intervals are one', calendar: adjacent, add: 240, from: '2026-12-07T10:00+08:00', due: '2026-12-07T14:00+08:00' },
  {
    name: '24:00 ends at midnight, days join up',
    calendar: allDay,
    add: 1440,
    from: '2026-12-07T00:00+08:00',
    due: '2026-12-08T00:00+08:00',
  },
  {
    name: 'night shift: the morning end, then the evening start',
    calendar: nights,
    add: 60,
    from: '2026-12-07T05:30+08:00',
    due: '2026-12-07T22:30+08:00',
  },
  { name: 'night shift: across midnight', calendar: nights, add: 60, from: '2026-12-07T23:30+08:00', due: '2026-12-08T00:30+08:00' },
  { name: 'a range over the new year', calendar: yearEnd, add: 60, from: '2026-12-29T17:30+08:00', due: '2027-01-03T09:30+08:00' },
  {
    name: 'DST spring: a shift through the missing hour',
    calendar: berlinEarly,
    add: 120,
    from: '2026-03-29T01:00+01:00',
    due: '2026-03-29T04:00+02:00',
  },
  {
    name: 'DST: a weekend that changes the offset',
    calendar: berlinOffice,
    add: 120,
    from: '2026-03-27T16:00+01:00',
    due: '2026-03-30T10:00+02:00',
  },
  {
    name: 'DST autumn: the repeated hour counts twice',
    calendar: berlinEarly,
    add: 240,
    from: '2026-10-25T01:00+02:00',
    due: '2026-10-25T04:00+01:00',
  },
  { name: 'no calendar is calendar time', calendar: null, add: 90, from: '2026-12-12T23:00+08:00', due: '2026-12-13T00:30+08:00' },
  { name: 'a calendar that never opens', calendar: never, add: 1, from: '2026-12-07T10:00+08:00', due: null },

  { name: 'a whole day', calendar: office, from: '2026-12-07T09:00+08:00', to: '2026-12-07T18:00+08:00', minutes: 480 },
  { name: 'lunch does not count', calendar: office, from: '2026-12-07T11:30+08:00', to: '2026-12-07T13:30+08:00', minutes: 60 },
  { name: 'over the weekend', calendar: office, from: '2026-12-11T17:00+08:00', to: '2026-12-14T10:00+08:00', minutes: 120 },
  { name: 'a weekend alone', calendar: office, from: '2026-12-12T00:00+08:00', to: '2026-12-14T00:00+08:00', minutes: 0 },
  { name: 'backwards is negative', calendar: office, from: '2026-12-07T18:00+08:00', to: '2026-12-07T09:00+08:00', minutes: -480 },
  { name: 'over a holiday range', calendar: office, from: '2026-09-30T09:00+08:00', to: '2026-10-08T18:00+08:00', minutes: 960 },
  { name: 'the same instant', calendar: office, from: '2026-12-07T10:00+08:00', to: '2026-12-07T10:00+08:00', minutes: 0 },
  {
    name: 'seconds count as fractions',
    calendar: office,
    from: '2026-12-07T10:00:00+08:00',
    to: '2026-12-07T10:00:30+08:00',
    minutes: 0.5,
  },
  {
    name: 'overlapping intervals count once',
    calendar: overlapping,
    from: '2026-12-07T08:00+08:00',
    to: '2026-12-07T14:00+08:00',
    minutes: 240,
  },
  { name: 'a night shift over midnight', calendar: nights, from: '2026-12-07T21:00+08:00', to: '2026-12-08T07:00+08:00', minutes: 480 },
  {
    name: 'a holiday closes the shift that starts on it, not the one running into it',
    calendar: nights,
    from: '2026-12-23T20:00+08:00',
    to: '2026-12-25T07:00+08:00',
    minutes: 480,
  },
  {
    name: 'DST spring: four wall-clock hours are three',
    calendar: berlinEarly,
    from: '2026-03-29T00:00+01:00',
    to: '2026-03-29T06:00+02:00',
    minutes: 180,
  },
  {
    name: 'DST autumn: four wall-clock hours are five',
    calendar: berlinEarly,
    from: '2026-10-25T00:00+02:00',
    to: '2026-10-25T06:00+01:00',
    minutes: 300,
  },
  {
    name: 'DST spring: a 23-hour Sunday',
    calendar: berlinSundays,
    from: '2026-03-28T12:00+01:00',
    to: '2026-03-30T12:00+02:00',
    minutes: 1380,
  },
  {
    name: 'DST autumn: a 25-hour Sunday',
    calendar: berlinSundays,
    from: '2026-10-24T12:00+02:00',
    to: '2026-10-26T12:00+01:00',
    minutes: 1500,
  },
  {
    name: 'DST: a night shift through the change',
    calendar: berlinNights,
    from: '2026-03-28T21:00+01:00',
    to: '2026-03-29T07:00+02:00',
    minutes: 420,
  },
  { name: 'no calendar counts every minute', calendar: null, from: '2026-12-12T00:00+08:00', to: '2026-12-13T00:00+08:00', minutes: 1440 },
  {
    name: 'a calendar that never opens counts nothing',
    calendar: never,
    from: '2026-12-07T00:00+08:00',
    to: '2026-12-21T00:00+08:00',
    minutes: 0,
  },
];

const at = (iso: string) => new Date(iso);

describe('business-time arithmetic', () => {
  it.each(cases)('$name', (example) => {
    if ('add' in example) {
      const due = addBusinessMinutes(example.calendar, at(example.from), example.add);
      expect(due?.toISOString() ?? null).toBe(example.due === null ? null : at(example.due).toISOString());
    } else {
      expect(businessMinutesBetween(example.calendar, at(example.from), at(example.to))).toBeCloseTo(example.minutes, 6);
    }
  });

  it('adding and measuring agree: between(T, add(T, N)) is N', () => {
    const calendars = [office, nights, threeShifts, berlinOffice, berlinEarly, berlinNights, yearEnd];
    const starts = ['2026-03-27T16:20+01:00', '2026-09-30T11:11+08:00', '2026-10-24T23:59+02:00', '2026-12-24T05:00+08:00'];
    for (const calendar of calendars)
      for (const start of starts)
        for (const minutes of [1, 59, 61, 479, 481, 1999]) {
          const due = addBusinessMinutes(calendar, at(start), minutes)!;
          expect(businessMinutesBetween(calendar, at(start), due)).toBeCloseTo(minutes, 6);
        }
  });

  it('open, closed and the next opening', () => {
    expect(isOpenAt(office, at('2026-12-07T12:30+08:00'))).toBe(false);
    expect(isOpenAt(office, at('2026-12-07T13:00+08:00'))).toBe(true);
    expect(isOpenAt(office, at('2026-12-07T18:00+08:00'))).toBe(false);
    expect(isOpenAt(office, at('2026-10-05T10:00+08:00'))).toBe(false);
    expect(isOpenAt(nights, at('2026-12-08T02:00+08:00'))).toBe(true);
    expect(isOpenAt(nights, at('2026-12-24T23:00+08:00'))).toBe(false);
    expect(isOpenAt(null, at('2026-12-12T03:00+08:00'))).toBe(true);
    expect(nextOpeningAt(office, at('2026-12-12T10:00+08:00'))?.toISOString()).toBe(at('2026-12-14T09:00+08:00').toISOString());
    expect(nextOpeningAt(office, at('2026-12-07T10:00+08:00'))?.toISOString()).toBe(at('2026-12-07T10:00+08:00').toISOString());
    expect(nextOpeningAt(never, at('2026-12-07T10:00+08:00'))).toBeNull();
  });

  it('refuses to add negative time', () => {
    expect(() => addBusinessMinutes(office, at('2026-12-07T10:00+08:00'), -1)).toThrow(RangeError);
  });
});
