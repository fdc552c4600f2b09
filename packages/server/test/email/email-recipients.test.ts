import { describe, expect, it } from 'vitest';
import { replyRecipients } from '../../src/channels/email/recipients.js';

const lastIn = {
  fromAddress: 'sunli@example.com',
  toAddresses: ['support@huiliu.test', 'sales@example.com'],
  ccAddresses: ['boss@example.com', 'SUNLI@example.com', 'Sales@Example.com', 'help@huiliu.test'],
};
const own = ['support@huiliu.test', 'help@huiliu.test'];

describe('who a reply goes to', () => {
  it('by default replies to all: the sender, and as CC everyone else on their mail, once each, never this inbox', () => {
    expect(replyRecipients({ lastIn, customerAddress: null, own, chosenCc: undefined, automatic: false })).toEqual({
      to: 'sunli@example.com',
      cc: ['sales@example.com', 'boss@example.com'],
    });
  });

  it('takes the CC line the agent chose, with the same exclusions; an empty one copies nobody', () => {
    const chosen = ['new@example.com', ' New@Example.com ', 'support@huiliu.test', 'sunli@example.com'];
    expect(replyRecipients({ lastIn, customerAddress: null, own, chosenCc: chosen, automatic: false }).cc).toEqual(['new@example.com']);
    expect(replyRecipients({ lastIn, customerAddress: null, own, chosenCc: [], automatic: false }).cc).toEqual([]);
  });

  it('answers an automatic message to the sender alone', () => {
    expect(replyRecipients({ lastIn, customerAddress: null, own, chosenCc: ['x@example.com'], automatic: true })).toEqual({
      to: 'sunli@example.com',
      cc: [],
    });
  });

  it('writes to the customer’s known address when no mail came from them, and keeps at most 20 on the CC line', () => {
    const many = Array.from({ length: 30 }, (_, i) => `p${i}@example.com`);
    const result = replyRecipients({ lastIn: undefined, customerAddress: 'chen@example.com', own, chosenCc: many, automatic: false });
    expect(result.to).toBe('chen@example.com');
    expect(result.cc).toEqual(many.slice(0, 20));
  });
});
