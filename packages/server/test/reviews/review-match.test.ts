import type { ReviewConditions } from '@huiliu/contracts';
import { describe, expect, it } from 'vitest';
import { matchPolicy, type ReplyFacts } from '../../src/modules/reviews/match.js';

const TRAINEE = '11111111-1111-4111-8111-111111111111';
const SENIOR = '22222222-2222-4222-8222-222222222222';
const NEWCOMERS = '33333333-3333-4333-8333-333333333333';
const BILLING = '44444444-4444-4444-8444-444444444444';

const facts = (over: Partial<ReplyFacts> = {}): ReplyFacts => ({
  authorId: SENIOR,
  authorTeamIds: [BILLING],
  channel: 'widget',
  text: '您好，已为您处理。',
  ...over,
});

const policy = (name: string, conditions: ReviewConditions, enabled = true) => ({ id: name, name, enabled, conditions });

describe('review policy matching', () => {
  const cases: [string, ReviewConditions, Partial<ReplyFacts>, boolean][] = [
    ['an empty policy holds every reply', {}, {}, true],
    ['the listed agent (a trainee)', { authorIds: [TRAINEE] }, { authorId: TRAINEE }, true],
    ['another agent', { authorIds: [TRAINEE] }, {}, false],
    ['an API token (no author) and an agent list', { authorIds: [TRAINEE] }, { authorId: null }, false],
    ['a member of the listed team', { authorTeamIds: [NEWCOMERS] }, { authorTeamIds: [BILLING, NEWCOMERS] }, true],
    ['no member of the listed team', { authorTeamIds: [NEWCOMERS] }, {}, false],
    ['the listed channel', { channels: ['email', 'wechat'] }, { channel: 'wechat' }, true],
    ['another channel', { channels: ['email'] }, {}, false],
    ['a Chinese keyword', { keywords: ['退款'] }, { text: '您的退款会在三天内到账' }, true],
    ['an English keyword, any case', { keywords: ['refund'] }, { text: 'Your REFUND is on its way' }, true],
    ['a full-width keyword typed by an input method', { keywords: ['refund'] }, { text: '已办理ＲＥＦＵＮＤ' }, true],
    ['no keyword', { keywords: ['退款', 'refund'] }, {}, false],
    ['a pattern', { pattern: '\\d{4}-?\\d{4}-?\\d{4}-?\\d{4}' }, { text: '卡号 6222-0211-0000-1234' }, true],
    ['a pattern that does not match', { pattern: '赔偿|补偿' }, {}, false],
    ['every condition must hold: channel and keyword', { channels: ['email'], keywords: ['退款'] }, { text: '退款' }, false],
    ['every condition holds', { channels: ['email'], keywords: ['退款'] }, { channel: 'email', text: '退款' }, true],
  ];
  it.each(cases)('%s', (_name, conditions, over, held) => {
    expect(matchPolicy([policy('p', conditions)], facts(over)) !== null).toBe(held);
  });

  it('the first enabled policy in order wins, and says why', () => {
    const policies = [
      policy('disabled', {}, false),
      policy('trainees', { authorIds: [TRAINEE] }),
      policy('refunds', { keywords: ['退款', 'refund'] }),
      policy('everyone', {}),
    ];
    const refund = matchPolicy(policies, facts({ text: '退款已受理' }));
    expect(refund?.policy.name).toBe('refunds');
    expect(refund?.reason).toEqual({ keywords: ['退款'] });
    const trainee = matchPolicy(policies, facts({ authorId: TRAINEE, text: '退款已受理' }));
    expect(trainee?.policy.name).toBe('trainees');
    expect(trainee?.reason).toEqual({ authorId: TRAINEE });
    expect(matchPolicy(policies, facts())?.policy.name).toBe('everyone');
    expect(matchPolicy(policies.slice(0, 3), facts())).toBeNull();
  });

  it('a pattern records what it matched', () => {
    const found = matchPolicy([policy('cards', { pattern: '\\d{16}' })], facts({ text: '卡号6222021100001234' }));
    expect(found?.reason).toEqual({ pattern: '\\d{16}', matched: '6222021100001234' });
  });
});
