import type { AutomationCondition } from '@huiliu/contracts';
import { describe, expect, it } from 'vitest';
import { compileCalendar } from '../../src/modules/calendars/business-time.js';
import { evaluateCondition, evaluateConditions, type Facts } from '../../src/modules/automations/conditions.js';

const CALENDAR = 'c0000000-0000-4000-8000-000000000001';
const weekdays = compileCalendar({
  timezone: 'Asia/Shanghai',
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [['09:00', '18:00']]])) as never,
  holidays: [],
});

const facts = (overrides: Partial<Facts> = {}): Facts => ({
  item: {
    status: 'pending',
    priority: 'high',
    type: 'incident',
    assigneeId: null,
    teamId: 'team-1',
    sourceChannel: 'email',
    subject: '退款申请：订单 1001',
    tags: ['退款', 'vip-line'],
    fields: { order_no: 'SN20261206', amount: 99.5, region: ['广东省', '深圳市'] },
    inboxId: null,
  },
  customer: { tier: 'vip', tags: ['老客户'], attributes: { city: '深圳' } },
  messageText: '我要投诉，快递三天没动',
  // Monday 2026-12-07 10:00 in Shanghai.
  now: new Date('2026-12-07T02:00:00Z'),
  calendars: new Map([[CALENDAR, weekdays]]),
  ...overrides,
});

/** Each condition kind and operator, with a case that holds and one that does not. */
const CASES: [string, AutomationCondition, boolean][] = [
  ['field is', { kind: 'field', field: 'status', op: 'is', value: 'pending' }, true],
  ['field is (other)', { kind: 'field', field: 'status', op: 'is', value: 'open' }, false],
  ['field is_not', { kind: 'field', field: 'priority', op: 'is_not', value: 'low' }, true],
  ['field in', { kind: 'field', field: 'type', op: 'in', values: ['problem', 'incident'] }, true],
  ['field not_in', { kind: 'field', field: 'type', op: 'not_in', values: ['problem', 'incident'] }, false],
  ['field not_set', { kind: 'field', field: 'assigneeId', op: 'not_set' }, true],
  ['field set', { kind: 'field', field: 'teamId', op: 'set' }, true],
  ['channel is', { kind: 'field', field: 'sourceChannel', op: 'is', value: 'widget' }, false],
  ['tags contain a tag', { kind: 'field', field: 'tags', op: 'is', value: '退款' }, true],
  ['tags lack a tag', { kind: 'field', field: 'tags', op: 'is_not', value: '投诉' }, true],
  ['subject contains', { kind: 'field', field: 'subject', op: 'contains', value: '退款' }, true],
  ['custom field is', { kind: 'custom_field', key: 'order_no', op: 'is', value: 'SN20261206' }, true],
  ['custom number is', { kind: 'custom_field', key: 'amount', op: 'is', value: 99.5 }, true],
  ['custom list has', { kind: 'custom_field', key: 'region', op: 'is', value: '深圳市' }, true],
  ['custom missing not_set', { kind: 'custom_field', key: 'serial', op: 'not_set' }, true],
  ['custom missing set', { kind: 'custom_field', key: 'serial', op: 'set' }, false],
  ['customer tier', { kind: 'customer', attribute: 'tier', op: 'is', value: 'vip' }, true],
  ['customer tier not', { kind: 'customer', attribute: 'tier', op: 'is', value: 'normal' }, false],
  ['customer tags', { kind: 'customer', attribute: 'tags', op: 'in', values: ['老客户', '黑名单'] }, true],
  ['customer attribute', { kind: 'customer', attribute: 'attribute', name: 'city', op: 'is', value: '深圳' }, true],
  ['message contains', { kind: 'text', source: 'message', op: 'contains', value: '投诉' }, true],
  ['message not_contains', { kind: 'text', source: 'message', op: 'not_contains', value: '投诉' }, false],
  ['subject text contains (case-insensitive)', { kind: 'text', source: 'any', op: 'contains', value: '订单' }, true],
  ['inside business hours', { kind: 'business_hours', calendarId: CALENDAR, inside: true }, true],
  ['outside business hours', { kind: 'business_hours', calendarId: CALENDAR, inside: false }, false],
];

describe('each condition kind', () => {
  for (const [name, condition, expected] of CASES)
    it(name, () => {
      expect(evaluateCondition(condition, facts())).toBe(expected);
    });

  it('business hours follow the clock: Saturday is outside', () => {
    const saturday = facts({ now: new Date('2026-12-05T02:00:00Z') });
    expect(evaluateCondition({ kind: 'business_hours', calendarId: CALENDAR, inside: false }, saturday)).toBe(true);
  });

  it('a missing calendar or customer never matches', () => {
    expect(evaluateCondition({ kind: 'business_hours', calendarId: CALENDAR, inside: true }, facts({ calendars: new Map() }))).toBe(false);
    expect(evaluateCondition({ kind: 'customer', attribute: 'tier', op: 'is_not', value: 'vip' }, facts({ customer: null }))).toBe(false);
  });
});

describe('ALL / ANY groups', () => {
  const yes: AutomationCondition = { kind: 'field', field: 'status', op: 'is', value: 'pending' };
  const no: AutomationCondition = { kind: 'field', field: 'status', op: 'is', value: 'open' };
  it('all inside a group needs every item; any needs one', () => {
    expect(evaluateConditions({ match: 'all', groups: [{ match: 'all', items: [yes, no] }] }, facts()).matched).toBe(false);
    expect(evaluateConditions({ match: 'all', groups: [{ match: 'any', items: [yes, no] }] }, facts()).matched).toBe(true);
  });
  it('groups combine by the top-level match, and every evaluated item is reported', () => {
    const outcome = evaluateConditions(
      {
        match: 'any',
        groups: [
          { match: 'all', items: [no] },
          { match: 'all', items: [yes] },
        ],
      },
      facts(),
    );
    expect(outcome.matched).toBe(true);
    expect(outcome.details).toEqual([
      { summary: 'status is "open"', matched: false },
      { summary: 'status is "pending"', matched: true },
    ]);
    expect(
      evaluateConditions(
        {
          match: 'all',
          groups: [
            { match: 'all', items: [no] },
            { match: 'all', items: [yes] },
          ],
        },
        facts(),
      ).matched,
    ).toBe(false);
  });
  it('no groups: always', () => {
    expect(evaluateConditions({ match: 'all', groups: [] }, facts()).matched).toBe(true);
  });
});
