import { describe, expect, it } from 'vitest';
import { matchPolicy, type CaseFacts, type MatchablePolicy } from '../../src/modules/sla/policy-match.js';

const facts: CaseFacts = {
  channel: 'email',
  inboxId: 'inbox-1',
  priority: 'high',
  customerTier: 'vip',
  customerTags: ['企业客户', '华东'],
};
const policy = (id: string, position: number, conditions: MatchablePolicy['conditions'], enabled = true): MatchablePolicy => ({
  id,
  name: id,
  position,
  enabled,
  conditions,
});

describe('SLA policy matching', () => {
  it('the first enabled policy by position wins, whatever the list order', () => {
    const policies = [policy('general', 2, {}), policy('vip', 1, { customerTiers: ['vip'] })];
    expect(matchPolicy(policies, facts)?.policy.id).toBe('vip');
    expect(matchPolicy([policy('vip', 1, { customerTiers: ['vip'] }, false), policy('general', 2, {})], facts)?.policy.id).toBe('general');
  });

  it('every condition must hold; within one, any value', () => {
    const cases: [MatchablePolicy['conditions'], boolean][] = [
      [{ channels: ['email', 'wechat'] }, true],
      [{ channels: ['widget'] }, false],
      [{ inboxIds: ['inbox-1'] }, true],
      [{ inboxIds: ['inbox-2'] }, false],
      [{ priorities: ['high', 'urgent'] }, true],
      [{ priorities: ['low'] }, false],
      [{ customerTiers: ['normal'] }, false],
      [{ customerTags: ['华南', '华东'] }, true],
      [{ customerTags: ['华南'] }, false],
      [{ channels: ['email'], priorities: ['urgent'] }, false],
      [{ channels: ['email'], priorities: ['high'], customerTags: ['企业客户'] }, true],
      [{ channels: [] }, true],
    ];
    for (const [conditions, matches] of cases)
      expect(!!matchPolicy([policy('p', 1, conditions)], facts), JSON.stringify(conditions)).toBe(matches);
  });

  it('says why: the conditions it checked with the case’s values', () => {
    const match = matchPolicy([policy('企业邮件', 3, { channels: ['email'], customerTags: ['企业客户', '其他'] })], facts);
    expect(match?.reason).toEqual({
      policy: '企业邮件',
      position: 3,
      matched: { channels: 'email', customerTags: ['企业客户'] },
      priority: 'high',
    });
    expect(matchPolicy([], facts)).toBeUndefined();
  });
});
