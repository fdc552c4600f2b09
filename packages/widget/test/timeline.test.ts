import { describe, expect, it } from 'vitest';
import { applyDelivery, countUnreadReplies, highestSeq, mergeMessages, type Entry } from '../src/timeline.js';
import type { Message } from '../src/types.js';

const CONVERSATION = '00000000-0000-4000-8000-000000000001';
const LATER_CONVERSATION = '00000000-0000-4000-8000-000000000002';

function message(seq: number, fields: Partial<Message> = {}): Message {
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    conversationId: CONVERSATION,
    seq,
    kind: 'out',
    text: `message ${seq}`,
    attachments: [],
    senderType: 'agent',
    senderId: null,
    senderName: 'Agent',
    clientMessageId: null,
    delivery: 'sent',
    failureReason: null,
    event: null,
    createdAt: `2026-01-01T10:00:${String(seq).padStart(2, '0')}.000Z`,
    ...fields,
  };
}

const pending = (clientMessageId: string): Entry => ({
  type: 'pending',
  key: clientMessageId,
  outgoing: { clientMessageId, text: 'hello', attachments: [] },
  status: 'sending',
  error: null,
});

const seqs = (entries: Entry[]) => entries.map((entry) => (entry.type === 'stored' ? entry.message.seq : entry.key));

describe('the widget timeline', () => {
  it('keeps messages in seq order whatever order they arrive in', () => {
    const entries = mergeMessages(mergeMessages([], [message(3), message(1)]), [message(2)]);
    expect(seqs(entries)).toEqual([1, 2, 3]);
  });

  it('shows a message once when it arrives live, in a sync and in an ack', () => {
    let entries = mergeMessages([], [message(1), message(2)]);
    entries = mergeMessages(entries, [message(2), message(3)]);
    entries = mergeMessages(entries, [message(3)]);
    expect(seqs(entries)).toEqual([1, 2, 3]);
  });

  it('replaces the pending bubble by the stored message, under the same key', () => {
    const entries = mergeMessages([pending('c-1'), pending('c-2')], [message(1, { kind: 'in', clientMessageId: 'c-1' })]);
    expect(seqs(entries)).toEqual([1, 'c-2']);
    expect(entries[0]!.key).toBe('c-1');
  });

  it('orders a later conversation after an earlier one, though its seqs start again at 1', () => {
    const first = [message(1), message(2), message(3)];
    const second = message(1, {
      id: '00000000-0000-4000-8000-0000000000a1',
      conversationId: LATER_CONVERSATION,
      createdAt: '2026-01-02T09:00:00.000Z',
    });
    const entries = mergeMessages(mergeMessages([], first), [second]);
    expect(entries.map((entry) => entry.type === 'stored' && entry.message.conversationId)).toEqual([
      CONVERSATION,
      CONVERSATION,
      CONVERSATION,
      LATER_CONVERSATION,
    ]);
    expect(highestSeq(entries, CONVERSATION)).toBe(3);
    expect(highestSeq(entries, LATER_CONVERSATION)).toBe(1);
  });

  it('never moves a delivery state backwards', () => {
    let entries = mergeMessages([], [message(1)]);
    entries = applyDelivery(entries, message(1).id, 'read')!;
    entries = applyDelivery(entries, message(1).id, 'delivered')!;
    entries = mergeMessages(entries, [message(1, { delivery: 'sent' })]);
    expect(entries[0]!.type === 'stored' && entries[0]!.message.delivery).toBe('read');
    expect(applyDelivery(entries, 'unknown-id', 'read')).toBeNull();
  });

  it('counts the agent replies not read yet', () => {
    const entries = mergeMessages(
      [],
      [message(1, { delivery: 'read' }), message(2, { kind: 'in' }), message(3), message(4, { delivery: 'delivered' })],
    );
    expect(countUnreadReplies(entries)).toBe(2);
  });
});
